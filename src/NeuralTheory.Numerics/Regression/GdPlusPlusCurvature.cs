using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// The curvature claim behind GD++ (von Oswald et al. 2022, arXiv:2212.07677; spec 3.3 and 6.6): one layer maps the
/// input covariance to <c>C_1 = (I − γC) C (I − γC)</c>, eigenvalues <c>λ(1 − γλ)²</c>; for
/// <c>0 ≤ γ ≤ 1/(3 λ_max(C))</c> that map is increasing on the spectrum, so
/// <c>κ(C_1) = κ(C) · ((1 − γλ_max)/(1 − γλ_min))² ≤ κ(C)</c>.
/// </summary>
public static class GdPlusPlusCurvature
{
    /// <summary><c>κ(C) = λ_max(C)/λ_min(C)</c> of a symmetric positive semi-definite matrix; +∞ when <c>λ_min ≤ 0</c>.</summary>
    /// <exception cref="ArgumentException"><c>C</c> is not square, finite and symmetric.</exception>
    public static double ConditionNumber(Matrix<double> c)
    {
        var (min, max) = Extremes(c, nameof(c));
        return min > 0 ? max / min : double.PositiveInfinity;
    }

    /// <summary><c>C_1 = (I − γC) C (I − γC)</c>, the covariance of the context inputs after one GD++ layer.</summary>
    /// <exception cref="ArgumentException"><c>C</c> is not square, finite and symmetric.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>γ &lt; 0</c> or not finite.</exception>
    public static Matrix<double> FirstLayerCovariance(Matrix<double> c, double gamma)
    {
        Extremes(c, nameof(c));
        Validate.NonNegative(gamma, nameof(gamma));
        var m = Matrix<double>.Build.DenseIdentity(c.RowCount) - gamma * c;
        return m * c * m;
    }

    /// <summary>The closed form <c>κ(C) · ((1 − γλ_max)/(1 − γλ_min))²</c> of <c>κ(C_1)</c>.</summary>
    /// <exception cref="ArgumentException"><c>C</c> is not square, finite, symmetric positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>γ</c> outside <c>[0, 1/(3 λ_max(C))]</c>, where the formula holds.</exception>
    public static double PredictedConditionNumberAfterOneLayer(Matrix<double> c, double gamma)
    {
        var (min, max) = Extremes(c, nameof(c));
        if (!(min > 0))
            throw new ArgumentException($"c must be positive definite for a finite condition number; λ_min = {min}.", nameof(c));
        Validate.NonNegative(gamma, nameof(gamma));
        if (gamma * max > 1.0 / 3.0 * (1 + 1e-12))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"gamma must lie in [0, 1/(3 λ_max(C))] = [0, {1.0 / (3 * max)}] for the monotone-spectrum formula.");
        double ratio = (1 - gamma * max) / (1 - gamma * min);
        return max / min * ratio * ratio;
    }

    private static (double Min, double Max) Extremes(Matrix<double> c, string name)
    {
        ArgumentNullException.ThrowIfNull(c, name);
        if (c.RowCount != c.ColumnCount || c.RowCount < 1)
            throw new ArgumentException($"{name} must be a square symmetric matrix; got {c.RowCount}×{c.ColumnCount}.", name);
        Validate.Finite(c, name);
        double scale = Math.Max(c.Enumerate().Max(Math.Abs), double.Epsilon);
        for (int i = 0; i < c.RowCount; i++)
            for (int j = 0; j < i; j++)
                if (Math.Abs(c[i, j] - c[j, i]) > 1e-12 * scale)
                    throw new ArgumentException($"{name} must be symmetric; entries [{i},{j}] and [{j},{i}] differ.", name);
        var eig = c.Evd(Symmetricity.Symmetric).EigenValues.Real();
        return (eig.Min(), eig.Max());
    }
}
