using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// GD++ (von Oswald et al. 2022, arXiv:2212.07677, Sec. 3), the curvature-corrected gradient descent that one
/// linear self-attention layer with a non-zero x-block in <c>P</c> implements (spec 3.3, <c>W_0 = 0</c>, <c>o = 1</c>).
/// Token form, for every token <c>t</c> (context and query), with <c>C_k = (1/N) Σ_{i≤N} x_i^{(k)} x_i^{(k)ᵀ}</c> and
/// <c>g_k = (1/N) Σ_{i≤N} r_i^{(k)} x_i^{(k)}</c>:
/// <c>r_t^{(k+1)} = r_t^{(k)} − η_k x_t^{(k)ᵀ} g_k</c>, <c>x_t^{(k+1)} = (I − γ_k C_k) x_t^{(k)}</c>, <c>ŷ_k = −r_q^{(k)}</c>.
/// Equivalent preconditioned form: <c>A_0 = I</c>, <c>A_{k+1} = A_k (I − γ_k A_k C A_k)</c>,
/// <c>v_{k+1} = v_k − η_k A_k² (C v_k − b)</c>, <c>ŷ_k = v_kᵀ x_q</c> (so <c>x_t^{(k)} = A_k x_t</c>,
/// <c>r_i^{(k)} = y_i − v_kᵀ x_i</c>). With <c>γ = 0</c> both are plain <see cref="GradientDescent"/>.
/// </summary>
public static class GdPlusPlus
{
    /// <summary>Token recursion for K = <paramref name="steps"/> layers with constant <c>(η, γ)</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>η ≤ 0</c>, <c>γ &lt; 0</c> or <c>K &lt; 0</c>.</exception>
    public static GdPlusPlusTokenStates RunTokens(Matrix<double> x, Vector<double> y, Vector<double> xq, double eta, double gamma, int steps)
    {
        Validate.Steps(steps, nameof(steps));
        Validate.Positive(eta, nameof(eta));
        Validate.NonNegative(gamma, nameof(gamma));
        return RunTokens(x, y, xq, Enumerable.Repeat(eta, steps).ToArray(), Enumerable.Repeat(gamma, steps).ToArray());
    }

    /// <summary>Token recursion with per-layer <c>η_k</c>, <c>γ_k</c>; <c>K = etas.Count = gammas.Count</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent, the lists differ in length, or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Some <c>η_k ≤ 0</c> or <c>γ_k &lt; 0</c>.</exception>
    public static GdPlusPlusTokenStates RunTokens(Matrix<double> x, Vector<double> y, Vector<double> xq, IReadOnlyList<double> etas, IReadOnlyList<double> gammas)
    {
        CheckInputs(x, y, xq, etas, gammas);
        int n = x.RowCount, d = x.ColumnCount;
        var inputs = Matrix<double>.Build.Dense(n + 1, d);
        inputs.SetSubMatrix(0, 0, x);
        inputs.SetRow(n, xq);
        var slots = Vector<double>.Build.Dense(n + 1);
        slots.SetSubVector(0, n, y);
        var allInputs = new List<Matrix<double>> { inputs };
        var allSlots = new List<Vector<double>> { slots };
        var identity = Matrix<double>.Build.DenseIdentity(d);
        for (int k = 0; k < etas.Count; k++)
        {
            var context = inputs.SubMatrix(0, n, 0, d);
            var ck = context.TransposeThisAndMultiply(context) / n;
            var gk = context.TransposeThisAndMultiply(slots.SubVector(0, n)) / n;
            slots = slots - etas[k] * (inputs * gk);          // uses the old x's
            inputs = inputs * (identity - gammas[k] * ck);    // row form of x ← (I − γ C_k) x (C_k symmetric)
            allInputs.Add(inputs);
            allSlots.Add(slots);
        }
        return new GdPlusPlusTokenStates(allInputs, allSlots);
    }

    /// <summary>Preconditioned form for K = <paramref name="steps"/> layers with constant <c>(η, γ)</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>η ≤ 0</c>, <c>γ &lt; 0</c> or <c>K &lt; 0</c>.</exception>
    public static GdPlusPlusPreconditionedForm RunPreconditioned(Matrix<double> x, Vector<double> y, Vector<double> xq, double eta, double gamma, int steps)
    {
        Validate.Steps(steps, nameof(steps));
        Validate.Positive(eta, nameof(eta));
        Validate.NonNegative(gamma, nameof(gamma));
        return RunPreconditioned(x, y, xq, Enumerable.Repeat(eta, steps).ToArray(), Enumerable.Repeat(gamma, steps).ToArray());
    }

    /// <summary>Preconditioned form with per-layer <c>η_k</c>, <c>γ_k</c>: returns <c>A_0..A_K</c> and the iterates <c>v_0..v_K</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent, the lists differ in length, or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Some <c>η_k ≤ 0</c> or <c>γ_k &lt; 0</c>.</exception>
    public static GdPlusPlusPreconditionedForm RunPreconditioned(Matrix<double> x, Vector<double> y, Vector<double> xq, IReadOnlyList<double> etas, IReadOnlyList<double> gammas)
    {
        CheckInputs(x, y, xq, etas, gammas);
        int n = x.RowCount, d = x.ColumnCount;
        var c = x.TransposeThisAndMultiply(x) / n;
        var b = x.TransposeThisAndMultiply(y) / n;
        var identity = Matrix<double>.Build.DenseIdentity(d);
        var a = identity;
        var v = Vector<double>.Build.Dense(d);
        var preconditioners = new List<Matrix<double>> { a };
        var iterates = new List<Matrix<double>> { v.ToRowMatrix() };
        for (int k = 0; k < etas.Count; k++)
        {
            v = v - etas[k] * (a * (a * (c * v - b)));
            a = a * (identity - gammas[k] * (a * c * a));
            preconditioners.Add(a);
            iterates.Add(v.ToRowMatrix());
        }
        return new GdPlusPlusPreconditionedForm(preconditioners, IterativeSolution.FromIterates(x, y.ToColumnMatrix(), xq, iterates));
    }

    private static void CheckInputs(Matrix<double> x, Vector<double> y, Vector<double> xq, IReadOnlyList<double> etas, IReadOnlyList<double> gammas)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.Query(x, xq, nameof(xq));
        ArgumentNullException.ThrowIfNull(etas);
        ArgumentNullException.ThrowIfNull(gammas);
        if (etas.Count != gammas.Count)
            throw new ArgumentException($"gammas must have one entry per layer: expected {etas.Count} (the length of etas), got {gammas.Count}.", nameof(gammas));
        for (int k = 0; k < etas.Count; k++)
        {
            Validate.Positive(etas[k], $"etas[{k}]");
            Validate.NonNegative(gammas[k], $"gammas[{k}]");
        }
    }
}

/// <summary>
/// Per-layer token states of <see cref="GdPlusPlus"/>'s token recursion (von Oswald et al. 2022, arXiv:2212.07677):
/// transformed inputs <c>x_t^{(k)}</c> of all <c>N+1</c> tokens (rows; the last row is the query) and y-slots
/// <c>r_t^{(k)}</c>, for <c>k = 0..K</c>; the prediction after k layers is <c>ŷ_k = −r_q^{(k)}</c>.
/// </summary>
public sealed record GdPlusPlusTokenStates
{
    internal GdPlusPlusTokenStates(IReadOnlyList<Matrix<double>> inputs, IReadOnlyList<Vector<double>> ySlots)
    {
        Inputs = inputs;
        YSlots = ySlots;
        Predictions = ySlots.Select(r => -r[r.Count - 1]).ToArray();
    }

    /// <summary><c>x^{(k)}</c> of all tokens as an (N+1)×d matrix, <c>k = 0..K</c>.</summary>
    public IReadOnlyList<Matrix<double>> Inputs { get; }

    /// <summary><c>r^{(k)}</c> of all tokens (length N+1), <c>k = 0..K</c>.</summary>
    public IReadOnlyList<Vector<double>> YSlots { get; }

    /// <summary><c>ŷ_k = −r_q^{(k)}</c>, <c>k = 0..K</c>.</summary>
    public IReadOnlyList<double> Predictions { get; }

    /// <summary>The layer count <c>K</c>.</summary>
    public int Steps => Inputs.Count - 1;

    /// <summary>The full prompt after k layers in row form, <c>Z^{(k)} = [x^{(k)} | r^{(k)}]</c>, (N+1)×(d+1).</summary>
    public Matrix<double> Tokens(int k) => k >= 0 && k < Inputs.Count
        ? Inputs[k].Append(YSlots[k].ToColumnMatrix())
        : throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be an iterate index in [0, {Inputs.Count - 1}].");
}

/// <summary>
/// <see cref="GdPlusPlus"/> as preconditioned gradient descent (spec 3.3): the polynomial preconditioners
/// <c>A_0 = I</c>, <c>A_{k+1} = A_k (I − γ_k A_k C A_k)</c>, and the iterates <c>v_{k+1} = v_k − η_k A_k² (C v_k − b)</c>
/// with their predictions <c>ŷ_k = v_kᵀ x_q</c> and losses (von Oswald et al. 2022, arXiv:2212.07677).
/// </summary>
public sealed record GdPlusPlusPreconditionedForm
{
    internal GdPlusPlusPreconditionedForm(IReadOnlyList<Matrix<double>> preconditioners, IterativeSolution solution)
    {
        Preconditioners = preconditioners;
        Solution = solution;
    }

    /// <summary><c>A_0 .. A_K</c> (d×d, symmetric, commuting with <c>C</c>).</summary>
    public IReadOnlyList<Matrix<double>> Preconditioners { get; }

    /// <summary>The iterates <c>v_k</c> (1×d), predictions <c>ŷ_k</c> and losses <c>L(v_k)</c>.</summary>
    public IterativeSolution Solution { get; }
}
