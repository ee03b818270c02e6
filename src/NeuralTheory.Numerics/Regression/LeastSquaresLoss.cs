using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// The in-context least-squares objective of spec 2.2, <c>L(W) = (1/(2N)) Σ_i ‖W x_i − y_i‖²</c>, its normalised
/// moments <c>C = (1/N) XᵀX</c>, <c>B = (1/N) YᵀX</c> and gradient <c>∇L(W) = W C − B</c> — the loss whose gradient
/// step one linear self-attention layer implements (von Oswald et al. 2022, arXiv:2212.07677, Prop. 1).
/// </summary>
public static class LeastSquaresLoss
{
    /// <summary><c>L(W) = (1/(2N)) ‖X Wᵀ − Y‖_F²</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    public static double Value(Matrix<double> x, Matrix<double> y, Matrix<double> w)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.Shape(w, y.ColumnCount, x.ColumnCount, nameof(w), "o×d");
        return ValueUnchecked(x, y, w);
    }

    /// <summary><c>C = (1/N) XᵀX</c> (d×d).</summary>
    /// <exception cref="ArgumentException">X is empty or not finite.</exception>
    public static Matrix<double> Covariance(Matrix<double> x)
    {
        Validate.Design(x, nameof(x));
        return x.TransposeThisAndMultiply(x) / x.RowCount;
    }

    /// <summary><c>B = (1/N) YᵀX</c> (o×d); for <c>o = 1</c> its single row is <c>b = (1/N) Xᵀy</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    public static Matrix<double> CrossMoment(Matrix<double> x, Matrix<double> y)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        return y.TransposeThisAndMultiply(x) / x.RowCount;
    }

    internal static double ValueUnchecked(Matrix<double> x, Matrix<double> y, Matrix<double> w)
    {
        var r = x.TransposeAndMultiply(w) - y;
        double s = 0;
        foreach (double e in r.Enumerate()) s += e * e;
        return s / (2.0 * x.RowCount);
    }
}
