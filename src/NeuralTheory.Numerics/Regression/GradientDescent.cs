using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Plain gradient descent on the in-context least-squares loss (spec 3.1):
/// <c>W_{k+1} = W_k − η (W_k C − B)</c>, <c>C = (1/N) XᵀX</c>, <c>B = (1/N) YᵀX</c>, from any start <c>W_0</c> — what
/// one linear self-attention layer computes per layer (von Oswald et al. 2022, arXiv:2212.07677, Prop. 1).
/// Converges iff <c>0 &lt; η &lt; 2/λ_max(C)</c>; from <c>W_0 = 0</c> and singular <c>C</c> it converges to the
/// minimum-norm least-squares solution. Runs exactly <c>K</c> steps (no tolerance loop); inputs are never mutated.
/// </summary>
public static class GradientDescent
{
    /// <summary>Runs <paramref name="steps"/> = K steps from <paramref name="w0"/> (o×d, default 0).</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent (X.rows ≠ Y.rows, |x_q| ≠ d, W0 not o×d, N = 0) or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>η ≤ 0</c> or not finite, or <c>K &lt; 0</c>.</exception>
    public static IterativeSolution Run(Matrix<double> x, Matrix<double> y, Vector<double> xq, double eta, int steps, Matrix<double>? w0 = null)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.Query(x, xq, nameof(xq));
        Validate.Positive(eta, nameof(eta));
        Validate.Steps(steps, nameof(steps));
        if (w0 is not null) Validate.Shape(w0, y.ColumnCount, x.ColumnCount, nameof(w0), "o×d");
        var c = x.TransposeThisAndMultiply(x) / x.RowCount;
        var b = y.TransposeThisAndMultiply(x) / x.RowCount;
        var iterates = new List<Matrix<double>>(steps + 1) { w0?.Clone() ?? Matrix<double>.Build.Dense(y.ColumnCount, x.ColumnCount) };
        for (int k = 0; k < steps; k++)
        {
            var w = iterates[k];
            iterates.Add(w - eta * (w * c - b));
        }
        return IterativeSolution.FromIterates(x, y, xq, iterates);
    }

    /// <summary>Single-output convenience (<c>o = 1</c>): <c>w_{k+1} = w_k − η (C w_k − b)</c>; same core as the matrix form.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>η ≤ 0</c> or <c>K &lt; 0</c>.</exception>
    public static IterativeSolution Run(Matrix<double> x, Vector<double> y, Vector<double> xq, double eta, int steps, Vector<double>? w0 = null)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        if (w0 is not null) Validate.Length(w0, x.ColumnCount, nameof(w0), "the start w0 ∈ R^d");
        return Run(x, y.ToColumnMatrix(), xq, eta, steps, w0?.ToRowMatrix());
    }
}
