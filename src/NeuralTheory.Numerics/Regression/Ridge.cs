using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Ridge regression in sum form (spec 3.5, as in Akyürek et al. 2022, arXiv:2211.15661):
/// <c>w(λ) = (XᵀX + λI)⁻¹ Xᵀy = argmin ‖Xw − y‖² + λ‖w‖²</c>, <c>λ ≥ 0</c> (<c>λ = 0</c> is minimum-norm least
/// squares, via <see cref="LeastSquares"/>). Under (G) with <c>w ~ N(0, τ² I)</c> and noise <c>σ²</c> the Bayes
/// posterior mean is ridge with <c>λ = σ²/τ²</c>; under (G⁻¹), <c>w ~ N(0, τ² Σ⁻¹)</c>, it is
/// <c>(XᵀX + (σ²/τ²) Σ)⁻¹ Xᵀy</c>.
/// </summary>
public static class Ridge
{
    /// <summary><c>w(λ) = (XᵀX + λI)⁻¹ Xᵀy</c>; <c>λ = 0</c> gives <c>X⁺ y</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>λ &lt; 0</c> or not finite.</exception>
    public static Vector<double> Solve(Matrix<double> x, Vector<double> y, double lambda)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.NonNegative(lambda, nameof(lambda));
        if (lambda == 0) return LeastSquares.Solve(x, y);
        var system = x.TransposeThisAndMultiply(x) + lambda * Matrix<double>.Build.DenseIdentity(x.ColumnCount);
        return system.Cholesky().Solve(x.TransposeThisAndMultiply(y));
    }

    /// <summary>The Bayes ridge parameter <c>λ = σ²/τ²</c> (0 when noiseless: OLS / minimum norm).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double BayesLambda(double noiseVariance, double taskVariance = 1.0)
    {
        Validate.NonNegative(noiseVariance, nameof(noiseVariance));
        Validate.Positive(taskVariance, nameof(taskVariance));
        return noiseVariance / taskVariance;
    }

    /// <summary>Posterior mean <c>E[w | X, y]</c> under (G): ridge with <c>λ = σ²/τ²</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static Vector<double> PosteriorMean(Matrix<double> x, Vector<double> y, double noiseVariance, double taskVariance = 1.0) =>
        Solve(x, y, BayesLambda(noiseVariance, taskVariance));

    /// <summary>Posterior mean under (G⁻¹), <c>w ~ N(0, τ² Σ⁻¹)</c>: <c>(XᵀX + (σ²/τ²) Σ)⁻¹ Xᵀy</c> (minimum norm when <c>σ² = 0</c>).</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent, an entry is not finite, or Σ is not d×d symmetric positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static Vector<double> PosteriorMeanWhitenedTask(Matrix<double> x, Vector<double> y, Matrix<double> sigma, double noiseVariance, double taskVariance = 1.0)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.Spd(sigma, nameof(sigma), x.ColumnCount);
        double ratio = BayesLambda(noiseVariance, taskVariance);
        if (ratio == 0) return LeastSquares.Solve(x, y);
        return (x.TransposeThisAndMultiply(x) + ratio * sigma).Cholesky().Solve(x.TransposeThisAndMultiply(y));
    }
}
