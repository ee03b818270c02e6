using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// One in-context regression prompt (spec 2.1): context inputs <c>X ∈ R^{N×d}</c> (rows <c>x_iᵀ</c>), context
/// targets <c>Y ∈ R^{N×o}</c> (rows <c>y_iᵀ = (W x_i + ε_i)ᵀ</c>), the query input <c>x_q ∈ R^d</c> and its target
/// <c>y_q ∈ R^o</c> — the data on which [VO] (von Oswald et al. 2022, arXiv:2212.07677) and [AH] (Ahn et al. 2023,
/// arXiv:2306.00297) compare linear self-attention with gradient descent. The constructor validates the shapes
/// and that every entry is finite; the matrices are stored as given (treat them as read-only).
/// </summary>
public sealed record RegressionTask
{
    /// <summary>Creates a task, checking <c>X.rows = Y.rows ≥ 1</c>, <c>|x_q| = d</c>, <c>|y_q| = o</c> and finiteness.</summary>
    /// <exception cref="ArgumentException">A shape is inconsistent or an entry is not finite.</exception>
    public RegressionTask(Matrix<double> x, Matrix<double> y, Vector<double> xq, Vector<double> yq)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        if (y.ColumnCount < 1) throw new ArgumentException("y must have at least one output column (o ≥ 1).", nameof(y));
        Validate.Query(x, xq, nameof(xq));
        Validate.Length(yq, y.ColumnCount, nameof(yq), "the query target, one entry per output o");
        X = x;
        Y = y;
        Xq = xq;
        Yq = yq;
    }

    /// <summary>Creates a single-output (<c>o = 1</c>) task from a target vector <c>y ∈ R^N</c> and a scalar query target.</summary>
    /// <exception cref="ArgumentException">A shape is inconsistent or an entry is not finite.</exception>
    public static RegressionTask Create(Matrix<double> x, Vector<double> y, Vector<double> xq, double yq)
    {
        ArgumentNullException.ThrowIfNull(y);
        return new RegressionTask(x, y.ToColumnMatrix(), xq, Vector<double>.Build.Dense(1, yq));
    }

    /// <summary>Context inputs, <c>N×d</c>, rows <c>x_iᵀ</c>.</summary>
    public Matrix<double> X { get; }

    /// <summary>Context targets, <c>N×o</c>, rows <c>y_iᵀ</c>.</summary>
    public Matrix<double> Y { get; }

    /// <summary>Query input, length <c>d</c>.</summary>
    public Vector<double> Xq { get; }

    /// <summary>Query target, length <c>o</c>.</summary>
    public Vector<double> Yq { get; }

    /// <summary>Number of context examples <c>N</c>.</summary>
    public int ContextLength => X.RowCount;

    /// <summary>Input dimension <c>d</c>.</summary>
    public int InputDimension => X.ColumnCount;

    /// <summary>Output dimension <c>o</c>.</summary>
    public int OutputDimension => Y.ColumnCount;

    /// <summary>The targets as a vector <c>y ∈ R^N</c>; only for <c>o = 1</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>o ≠ 1</c>.</exception>
    public Vector<double> YVector => OutputDimension == 1 ? Y.Column(0)
        : throw new InvalidOperationException($"YVector needs o = 1; this task has o = {OutputDimension}.");

    /// <summary>The query target as a scalar; only for <c>o = 1</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>o ≠ 1</c>.</exception>
    public double YqScalar => OutputDimension == 1 ? Yq[0]
        : throw new InvalidOperationException($"YqScalar needs o = 1; this task has o = {OutputDimension}.");
}
