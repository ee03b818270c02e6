using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Preconditioned gradient descent on the in-context least-squares loss (spec 3.2):
/// <c>w_{k+1} = w_k − A_kᵀ (C w_k − b)</c> with any d×d matrices <c>A_k</c> (step size folded in) — the algorithm an
/// L-layer linear self-attention stack with <c>P = [[0,0],[0,1]]</c>, <c>Q = −[[A_k,0],[0,0]]</c> implements (Ahn et
/// al. 2023, arXiv:2306.00297, Thm. 1 and the multi-layer result). With <c>A_k = η I</c> it is
/// <see cref="GradientDescent"/>; for constant SPD <c>A</c> it converges iff <c>ρ(I − A C) &lt; 1</c>.
/// </summary>
public static class PreconditionedGradientDescent
{
    /// <summary>Runs <c>K = preconditioners.Count</c> steps, step <c>k</c> using <c>A_k</c>, from <paramref name="w0"/> (default 0).</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent (an <c>A_k</c> not d×d, X.rows ≠ |y|, |x_q| ≠ d, |w0| ≠ d, N = 0) or an entry is not finite.</exception>
    public static IterativeSolution Run(Matrix<double> x, Vector<double> y, Vector<double> xq, IReadOnlyList<Matrix<double>> preconditioners, Vector<double>? w0 = null)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.Query(x, xq, nameof(xq));
        ArgumentNullException.ThrowIfNull(preconditioners);
        int d = x.ColumnCount;
        for (int k = 0; k < preconditioners.Count; k++)
            Validate.Shape(preconditioners[k], d, d, $"{nameof(preconditioners)}[{k}]", "d×d");
        if (w0 is not null) Validate.Length(w0, d, nameof(w0), "the start w0 ∈ R^d");
        var c = x.TransposeThisAndMultiply(x) / x.RowCount;
        var b = x.TransposeThisAndMultiply(y) / x.RowCount;
        var w = w0?.Clone() ?? Vector<double>.Build.Dense(d);
        var iterates = new List<Matrix<double>>(preconditioners.Count + 1) { w.ToRowMatrix() };
        foreach (var a in preconditioners)
        {
            w = w - a.TransposeThisAndMultiply(c * w - b);
            iterates.Add(w.ToRowMatrix());
        }
        return IterativeSolution.FromIterates(x, y.ToColumnMatrix(), xq, iterates);
    }

    /// <summary>Runs <paramref name="steps"/> = K steps with the same <paramref name="preconditioner"/> <c>A</c> every step.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>K &lt; 0</c>.</exception>
    public static IterativeSolution Run(Matrix<double> x, Vector<double> y, Vector<double> xq, Matrix<double> preconditioner, int steps, Vector<double>? w0 = null)
    {
        Validate.Steps(steps, nameof(steps));
        Validate.Design(x, nameof(x));
        Validate.Shape(preconditioner, x.ColumnCount, x.ColumnCount, nameof(preconditioner), "d×d");
        return Run(x, y, xq, Enumerable.Repeat(preconditioner, steps).ToArray(), w0);
    }
}
