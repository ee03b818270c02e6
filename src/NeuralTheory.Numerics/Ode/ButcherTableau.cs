namespace NeuralTheory.Numerics.Ode;

/// <summary>
/// An explicit Runge–Kutta method as data (Butcher tableau <c>c | A / b</c>, optionally an embedded pair
/// <c>b̂</c> with error weights <c>e = b − b̂</c>), spec <c>neural-ode.md</c> §2, §3.1, §3.3 and §3.10
/// (Hairer, Nørsett &amp; Wanner, <i>Solving ODEs I</i>, §II.1–II.5). Stages are
/// <c>k_i = f(t + c_i h, y + h Σ_{j&lt;i} a_ij k_j)</c>, the propagated solution is <c>y1 = y0 + h Σ b_i k_i</c>,
/// the embedded one <c>ŷ1 = y0 + h Σ b̂_i k_i</c> and the local error estimate <c>err = y1 − ŷ1 = h Σ e_i k_i</c>.
/// Immutable: every accessor returns a copy or a read-only view.
/// </summary>
public sealed partial class ButcherTableau
{
    private readonly double[] _c;
    private readonly double[][] _a;
    private readonly double[] _b;
    private readonly double[]? _bHat;
    private readonly double[]? _e;

    /// <summary>Builds a tableau; the arrays are copied.</summary>
    /// <param name="name">A display name.</param>
    /// <param name="c">The nodes <c>c_1..c_s</c> (<c>c_1 = 0</c> for an explicit method).</param>
    /// <param name="a">The strictly lower triangle of <c>A</c>: row <c>i</c> (0-based) holds <c>a_{i,0..i−1}</c>; row 0 is empty.</param>
    /// <param name="b">The propagated weights <c>b_1..b_s</c>.</param>
    /// <param name="order">The global order <c>p</c> of the propagated solution.</param>
    /// <param name="bHat">Optional embedded weights <c>b̂</c> (then <see cref="E"/> = <c>b − b̂</c>).</param>
    /// <param name="embeddedOrder">The order of the embedded solution (required with <paramref name="bHat"/>).</param>
    /// <param name="fsal">First-same-as-last: the last row of <c>A</c> equals <c>b</c> and <c>c_s = 1</c>, so the last stage is <c>f(t0 + h, y1)</c>.</param>
    /// <param name="e">Optional error weights typed exactly (e.g. as rationals) instead of the float64 difference <c>b − b̂</c>; must agree with it to 1e-15.</param>
    /// <exception cref="ArgumentException">Inconsistent lengths, a non-finite entry, an empty method, a non-positive order, or an FSAL claim that the data contradict.</exception>
    public ButcherTableau(string name, double[] c, double[][] a, double[] b, int order,
                          double[]? bHat = null, int? embeddedOrder = null, bool fsal = false, double[]? e = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int s = c.Length;
        if (s < 1) throw new ArgumentException("c must hold at least one node (s ≥ 1).", nameof(c));
        if (a.Length != s)
            throw new ArgumentException($"a must have one row per stage (s = {s}); got {a.Length} rows.", nameof(a));
        for (int i = 0; i < s; i++)
        {
            if (a[i] is null || a[i].Length != i)
                throw new ArgumentException($"a must be strictly lower triangular: row {i} must have {i} entries; got {a[i]?.Length.ToString() ?? "null"}.", nameof(a));
            Finite(a[i], nameof(a));
        }
        if (b.Length != s) throw new ArgumentException($"b must have s = {s} entries; got {b.Length}.", nameof(b));
        Finite(c, nameof(c));
        Finite(b, nameof(b));
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order), order, "order must be ≥ 1.");
        if (bHat is not null)
        {
            if (bHat.Length != s) throw new ArgumentException($"bHat must have s = {s} entries; got {bHat.Length}.", nameof(bHat));
            Finite(bHat, nameof(bHat));
            if (embeddedOrder is not int q || q < 1)
                throw new ArgumentException("embeddedOrder (≥ 1) is required with bHat.", nameof(embeddedOrder));
        }
        else if (embeddedOrder is not null)
            throw new ArgumentException("embeddedOrder is given without bHat (no embedded solution to have an order).", nameof(embeddedOrder));
        if (fsal)
        {
            if (c[s - 1] != 1.0 || b[s - 1] != 0.0)
                throw new ArgumentException("fsal requires c_s = 1 and b_s = 0.", nameof(fsal));
            for (int j = 0; j < s - 1; j++)
                if (a[s - 1][j] != b[j])
                    throw new ArgumentException($"fsal requires the last row of A to equal b; entry {j} differs.", nameof(fsal));
        }
        Name = name;
        _c = (double[])c.Clone();
        _a = a.Select(row => (double[])row.Clone()).ToArray();
        _b = (double[])b.Clone();
        Order = order;
        Fsal = fsal;
        if (bHat is not null)
        {
            _bHat = (double[])bHat.Clone();
            _e = new double[s];
            for (int i = 0; i < s; i++) _e[i] = b[i] - bHat[i];
            EmbeddedOrder = embeddedOrder;
            if (e is not null)
            {
                if (e.Length != s) throw new ArgumentException($"e must have s = {s} entries; got {e.Length}.", nameof(e));
                for (int i = 0; i < s; i++)
                    if (!(Math.Abs(e[i] - _e[i]) <= 1e-15))
                        throw new ArgumentException($"e must equal b − bHat; entry {i} is {e[i]:R}, b − bHat = {_e[i]:R}.", nameof(e));
                _e = (double[])e.Clone();
            }
        }
        else if (e is not null) throw new ArgumentException("e needs bHat.", nameof(e));
    }

    private ButcherTableau(ButcherTableau source, double[] e)
    {
        Name = source.Name;
        _c = source._c;
        _a = source._a;
        _b = source._b;
        _bHat = source._bHat;
        Order = source.Order;
        EmbeddedOrder = source.EmbeddedOrder;
        Fsal = source.Fsal;
        Dense = source.Dense;
        _e = e;
    }

    /// <summary>The display name (e.g. <c>"Dopri5"</c>).</summary>
    public string Name { get; }

    /// <summary>The number of stages <c>s</c>.</summary>
    public int Stages => _c.Length;

    /// <summary>The nodes <c>c_1..c_s</c>.</summary>
    public IReadOnlyList<double> C => Array.AsReadOnly(_c);

    /// <summary>The strictly lower triangle of <c>A</c>: <c>A[i][j] = a_{i+1, j+1}</c> for <c>j &lt; i</c> (0-based rows of length <c>i</c>).</summary>
    public IReadOnlyList<IReadOnlyList<double>> A => _a.Select(r => (IReadOnlyList<double>)Array.AsReadOnly(r)).ToArray();

    /// <summary>The propagated weights <c>b</c>.</summary>
    public IReadOnlyList<double> B => Array.AsReadOnly(_b);

    /// <summary>The embedded weights <c>b̂</c>, or <c>null</c> for a fixed-step-only method.</summary>
    public IReadOnlyList<double>? BHat => _bHat is null ? null : Array.AsReadOnly(_bHat);

    /// <summary>The error weights <c>e = b − b̂</c> (for Dopri5: Shampine's pair, spec §3.3, typed as exact rationals), or <c>null</c>.</summary>
    public IReadOnlyList<double>? E => _e is null ? null : Array.AsReadOnly(_e);

    /// <summary>The global order <c>p</c> of the propagated solution.</summary>
    public int Order { get; }

    /// <summary>The order of the embedded solution, or <c>null</c> without one.</summary>
    public int? EmbeddedOrder { get; }

    /// <summary>First-same-as-last: the last stage is <c>f(t0 + h, y1)</c> and serves as <c>k_1</c> of the next step.</summary>
    public bool Fsal { get; }

    /// <summary>True when the method has an embedded error estimate.</summary>
    public bool IsEmbedded => _e is not null;

    /// <summary>Which dense output the adaptive integrator fits for this method (set for the built-in 5(4) pairs only).</summary>
    internal DenseOutputKind Dense { get; init; }

    internal double[] CArray => _c;
    internal double[][] AArray => _a;
    internal double[] BArray => _b;
    internal double[]? EArray => _e;

    /// <summary>
    /// Checks the tableau against the conditions of Hairer–Nørsett–Wanner I §II.1–II.2: every row sum of <c>A</c>
    /// equals its node (<c>Σ_j a_ij = c_i</c>), and the quadrature conditions <c>Σ_i b_i c_i^{m−1} = 1/m</c> hold for
    /// <c>m = 1..min(p, 5)</c> (and for <c>b̂</c> up to its embedded order). These are necessary, not sufficient,
    /// for order <c>p ≥ 3</c>; the order itself is checked by the convergence tests.
    /// </summary>
    /// <param name="tolerance">Absolute tolerance for each condition.</param>
    /// <returns>The violated conditions, empty when the tableau passes.</returns>
    public IReadOnlyList<string> Violations(double tolerance = 1e-14)
    {
        if (!double.IsFinite(tolerance) || tolerance < 0)
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be finite and ≥ 0.");
        var bad = new List<string>();
        for (int i = 0; i < Stages; i++)
        {
            double sum = 0;
            foreach (var v in _a[i]) sum += v;
            if (Math.Abs(sum - _c[i]) > tolerance) bad.Add($"row {i + 1}: Σ a = {sum:R} ≠ c = {_c[i]:R}");
        }
        Quadrature(_b, Math.Min(Order, 5), "b", bad, tolerance);
        if (_bHat is not null) Quadrature(_bHat, Math.Min(EmbeddedOrder!.Value, 5), "bHat", bad, tolerance);
        return bad;
    }

    /// <summary>True for the built-in FSAL 5(4) pairs with dense output that <see cref="AdaptiveIntegrator"/> accepts (Dopri5, Dopri5Hairer, Tsit5).</summary>
    public bool SupportsAdaptive => Dense != DenseOutputKind.None;

    /// <summary>Throws when <see cref="Violations"/> is non-empty.</summary>
    /// <param name="tolerance">Absolute tolerance for each condition.</param>
    /// <exception cref="InvalidOperationException">A row-sum or quadrature condition fails; the message lists them.</exception>
    public void Validate(double tolerance = 1e-14)
    {
        var bad = Violations(tolerance);
        if (bad.Count > 0) throw new InvalidOperationException($"Tableau {Name} is inconsistent: {string.Join("; ", bad)}.");
    }

    /// <summary>A copy of this embedded pair whose error weights are scaled by <paramref name="factor"/> (e.g. 1.5 maps Dopri5's Shampine weights to Hairer's/SciPy's, spec §3.3).</summary>
    /// <exception cref="InvalidOperationException">The method has no embedded pair.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not finite and positive.</exception>
    public ButcherTableau WithErrorScale(double factor)
    {
        if (!double.IsFinite(factor) || factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be finite and > 0.");
        if (_e is null) throw new InvalidOperationException($"{Name} has no embedded pair.");
        return new ButcherTableau(this, _e.Select(v => factor * v).ToArray());
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (s = {Stages}, order {Order}{(IsEmbedded ? $"({EmbeddedOrder})" : "")}{(Fsal ? ", FSAL" : "")})";

    private void Quadrature(double[] w, int maxM, string label, List<string> bad, double tolerance)
    {
        for (int m = 1; m <= maxM; m++)
        {
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                double power = 1;
                for (int k = 0; k < m - 1; k++) power *= _c[i];
                sum += w[i] * power;
            }
            if (Math.Abs(sum - 1.0 / m) > tolerance) bad.Add($"{label}: Σ w_i c_i^{m - 1} = {sum:R} ≠ 1/{m}");
        }
    }

    private static void Finite(double[] v, string name)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) throw new ArgumentException($"{name} must be finite; entry [{i}] is {v[i]}.", name);
    }
}
