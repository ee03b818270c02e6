using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Ode;

/// <summary>
/// The continuous adjoint method (Chen, Rubanova, Bettencourt &amp; Duvenaud 2018, arXiv:1806.07366, Alg. 1; spec
/// <c>neural-ode.md</c> §3.11) on the MathNet side: the augmented state <c>(y, a, a_θ)</c> with
/// <c>dy/dt = f(t, y)</c>, <c>da/dt = −aᵀ∂f/∂y</c>, <c>da_θ/dt = −aᵀ∂f/∂θ</c> is integrated backwards, one
/// <see cref="AdaptiveIntegrator"/> solve per output interval <c>t_i → t_{i−1}</c> (torchdiffeq <c>adjoint.py</c>).
/// At every output time <c>y</c> is reset to the stored forward value and <c>∂L/∂y(t_i)</c> is added to <c>a</c>.
/// The vector–Jacobian products are supplied by the caller. Gradients are approximate: they differ from the exact
/// derivative by O(tolerance) (Kidger 2022, arXiv:2202.02435).
/// </summary>
public static class ReferenceAdjoint
{
    /// <summary>
    /// Backward pass from forward values <paramref name="ys"/> at <paramref name="ts"/> and the loss gradients
    /// <paramref name="dLdy"/> = <c>∂L/∂y(t_i)</c> (entry 0 is added at <c>t_0</c>, as torchdiffeq does).
    /// </summary>
    /// <param name="f">The right-hand side <c>f(t, y)</c> at the current parameters.</param>
    /// <param name="vjp">Returns <c>(aᵀ∂f/∂y, aᵀ∂f/∂θ)</c> at <c>(t, y, a)</c>; the second has length <paramref name="parameterCount"/>.</param>
    /// <param name="parameterCount">The number of parameters <c>P ≥ 0</c>.</param>
    /// <param name="ts">The output times (strictly monotone, at least two).</param>
    /// <param name="ys">The forward solution at <paramref name="ts"/>.</param>
    /// <param name="dLdy">The loss gradient at each output time.</param>
    /// <param name="options">Backward tolerances and controller (null = defaults; torchdiffeq uses the forward ones).</param>
    /// <param name="method">The pair; null = <see cref="ButcherTableau.Dopri5"/>.</param>
    /// <param name="norm">The backward error norm (default torchdiffeq's mixed norm). Overrides <see cref="AdaptiveOptions.Norm"/>.</param>
    /// <param name="parameterBlocks">Sizes of the parameter tensors for <see cref="AdjointNorm.Mixed"/> (summing to <paramref name="parameterCount"/>); null = one block holding all parameters (torchdiffeq's adjoint joins them).</param>
    /// <exception cref="ArgumentException">Inconsistent lengths, non-finite values, or a VJP of the wrong length.</exception>
    public static AdjointGradients Gradients(
        Func<double, Vector<double>, Vector<double>> f,
        Func<double, Vector<double>, Vector<double>, (Vector<double> aTdfdy, Vector<double> aTdfdtheta)> vjp,
        int parameterCount, double[] ts, Vector<double>[] ys, Vector<double>[] dLdy,
        AdaptiveOptions? options = null, ButcherTableau? method = null, AdjointNorm norm = AdjointNorm.Mixed, int[]? parameterBlocks = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(vjp);
        if (parameterCount < 0) throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "parameterCount must be ≥ 0.");
        if (!Enum.IsDefined(norm)) throw new ArgumentOutOfRangeException(nameof(norm), norm, "norm must be a defined AdjointNorm.");
        OdeChecks.Times(ts);
        if (ts.Length < 2) throw new ArgumentException("ts must hold at least two times for a backward pass.", nameof(ts));
        ArgumentNullException.ThrowIfNull(ys);
        ArgumentNullException.ThrowIfNull(dLdy);
        if (ys.Length != ts.Length) throw new ArgumentException($"ys must hold one value per output time ({ts.Length}); got {ys.Length}.", nameof(ys));
        if (dLdy.Length != ts.Length) throw new ArgumentException($"dLdy must hold one gradient per output time ({ts.Length}); got {dLdy.Length}.", nameof(dLdy));
        int n = OdeChecks.State(ys[0], "ys[0]").Length;
        for (int i = 0; i < ts.Length; i++)
        {
            if (OdeChecks.State(ys[i], $"ys[{i}]").Length != n) throw new ArgumentException($"ys[{i}] must have length {n}.", nameof(ys));
            if (OdeChecks.State(dLdy[i], $"dLdy[{i}]").Length != n) throw new ArgumentException($"dLdy[{i}] must have length {n}.", nameof(dLdy));
        }
        var blocks = parameterBlocks ?? (parameterCount > 0 ? [parameterCount] : []);
        if (blocks.Any(b => b < 1) || blocks.Sum() != parameterCount)
            throw new ArgumentException($"parameterBlocks must be positive sizes summing to parameterCount = {parameterCount}.", nameof(parameterBlocks));
        method ??= ButcherTableau.Dopri5;
        options ??= new AdaptiveOptions();
        int p = parameterCount, size = 2 * n + p;

        Func<Vector<double>, double>? normFn = norm == AdjointNorm.Rms ? null : z =>
        {
            double m = Math.Max(Rms(z, 0, n), Rms(z, n, n));
            if (norm == AdjointNorm.Mixed)
            {
                int offset = 2 * n;
                foreach (int b in blocks) { m = Math.Max(m, Rms(z, offset, b)); offset += b; }
            }
            return m;
        };
        var o = options with
        {
            Norm = normFn,
            RtolPerEntry = Expand(options.RtolPerEntry, n, p),
            AtolPerEntry = Expand(options.AtolPerEntry, n, p),
        };

        Vector<double> Augmented(double t, Vector<double> z)
        {
            var y = z.SubVector(0, n);
            var a = z.SubVector(n, n);
            var fy = f(t, y);
            var (ady, adth) = vjp(t, y, a);
            if (fy is null || fy.Count != n) throw new ArgumentException($"f must return a vector of length {n}.", nameof(f));
            if (ady is null || ady.Count != n) throw new ArgumentException($"vjp must return aᵀ∂f/∂y of length {n}.", nameof(vjp));
            if (adth is null || adth.Count != p) throw new ArgumentException($"vjp must return aᵀ∂f/∂θ of length {p}.", nameof(vjp));
            var r = Vector<double>.Build.Dense(size);
            r.SetSubVector(0, n, fy);
            r.SetSubVector(n, n, -ady);
            r.SetSubVector(2 * n, p, -adth);
            return r;
        }

        var state = Vector<double>.Build.Dense(size);
        state.SetSubVector(0, n, ys[^1]);
        state.SetSubVector(n, n, dLdy[^1]);
        int nfe = 0;
        for (int i = ts.Length - 1; i > 0; i--)
        {
            var run = AdaptiveIntegrator.Integrate(method, Augmented, state, [ts[i], ts[i - 1]], o);
            nfe += run.Nfe;
            state = run.Final.Clone();
            state.SetSubVector(0, n, ys[i - 1]);                          // reset y to the forward value
            state.SetSubVector(n, n, state.SubVector(n, n) + dLdy[i - 1]);
        }
        return new AdjointGradients(state.SubVector(n, n), state.SubVector(2 * n, p), nfe, 0, null);
    }

    /// <summary>
    /// Forward solve (with <paramref name="options"/>) followed by the backward pass (with
    /// <paramref name="adjointOptions"/>, default = <paramref name="options"/>); <paramref name="lossGradient"/>(i, y(t_i))
    /// returns <c>∂L/∂y(t_i)</c>.
    /// </summary>
    /// <param name="f">The right-hand side.</param>
    /// <param name="vjp">Returns <c>(aᵀ∂f/∂y, aᵀ∂f/∂θ)</c> at <c>(t, y, a)</c>.</param>
    /// <param name="parameterCount">The number of parameters <c>P ≥ 0</c>.</param>
    /// <param name="y0">The initial value.</param>
    /// <param name="ts">The output times (strictly monotone, at least two).</param>
    /// <param name="lossGradient">Maps (index, forward value) to the loss gradient there.</param>
    /// <param name="options">Forward options (null = defaults).</param>
    /// <param name="adjointOptions">Backward options (null = <paramref name="options"/>).</param>
    /// <param name="method">The pair; null = <see cref="ButcherTableau.Dopri5"/>.</param>
    /// <param name="norm">The backward error norm.</param>
    /// <exception cref="ArgumentException">Bad inputs.</exception>
    public static AdjointGradients Gradients(
        Func<double, Vector<double>, Vector<double>> f,
        Func<double, Vector<double>, Vector<double>, (Vector<double> aTdfdy, Vector<double> aTdfdtheta)> vjp,
        int parameterCount, Vector<double> y0, double[] ts, Func<int, Vector<double>, Vector<double>> lossGradient,
        AdaptiveOptions? options = null, AdaptiveOptions? adjointOptions = null, ButcherTableau? method = null, AdjointNorm norm = AdjointNorm.Mixed)
    {
        ArgumentNullException.ThrowIfNull(lossGradient);
        if (!Enum.IsDefined(norm)) throw new ArgumentOutOfRangeException(nameof(norm), norm, "norm must be a defined AdjointNorm.");
        method ??= ButcherTableau.Dopri5;
        var forward = AdaptiveIntegrator.Integrate(method, f, y0, ts, options);
        var dLdy = forward.Ys.Select((y, i) => lossGradient(i, y.Clone())).ToArray();
        var back = Gradients(f, vjp, parameterCount, ts, forward.Ys, dLdy, adjointOptions ?? options, method, norm);
        return new AdjointGradients(back.DLdY0, back.DLdTheta, back.BackwardNfe, forward.Nfe, forward);
    }

    private static Vector<double>? Expand(Vector<double>? perEntry, int n, int p)
    {
        if (perEntry is null) return null;
        var r = Vector<double>.Build.Dense(2 * n + p);
        r.SetSubVector(0, n, perEntry);
        r.SetSubVector(n, n, perEntry);
        double last = perEntry.Minimum();
        for (int i = 2 * n; i < 2 * n + p; i++) r[i] = last;
        return r;
    }

    private static double Rms(Vector<double> z, int offset, int count)
    {
        if (count == 0) return 0;
        double s = 0;
        for (int i = offset; i < offset + count; i++) s += z[i] * z[i];
        return Math.Sqrt(s / count);
    }
}
