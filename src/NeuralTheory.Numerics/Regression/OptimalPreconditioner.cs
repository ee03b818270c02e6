using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// The optimal one-layer linear self-attention = one step of preconditioned GD, <c>ŷ = x_qᵀ A b</c> with
/// <c>b = (1/N) Xᵀy</c> (spec 3.6; Ahn et al. 2023, arXiv:2306.00297, Thm. 1; Mahankali et al. 2023,
/// arXiv:2307.03576, Thm. 1). Under (G), <c>x ~ N(0, Σ)</c>, <c>w ~ N(0, τ² I)</c>, noise <c>σ²</c>:
/// <c>R(A) = τ²[((N+1)/N) tr(AᵀΣAΣ²) + (1/N) tr(AᵀΣAΣ) trΣ − 2 tr(AΣ²) + trΣ] + (σ²/N) tr(AᵀΣAΣ) + σ²</c>,
/// minimised by <c>A* = (((N+1)/N) Σ + ((trΣ + σ²/τ²)/N) I)⁻¹</c> with <c>R(A*) = τ²(trΣ − tr(A*Σ²)) + σ²</c>.
/// Under (G⁻¹), <c>w ~ N(0, τ² Σ⁻¹)</c>: <c>R(A) = (τ²(N+d+1) + σ²)/N · tr(AᵀΣAΣ) − 2τ² tr(AΣ) + τ² d + σ²</c>,
/// minimised by <c>A* = N/(N+d+1+σ²/τ²) Σ⁻¹</c>. Risks are plain MSE <c>E(ŷ − y_q)²</c>.
/// </summary>
public static class OptimalPreconditioner
{
    /// <summary><c>A* = (((N+1)/N) Σ + ((trΣ + σ²/τ²)/N) I)⁻¹</c> under (G).</summary>
    /// <exception cref="ArgumentException">Σ is not symmetric positive definite or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static Matrix<double> Compute(Matrix<double> sigma, int contextLength, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        Check(sigma, contextLength, noiseVariance, taskVariance);
        double n = contextLength;
        var m = ((n + 1) / n) * sigma + ((sigma.Trace() + noiseVariance / taskVariance) / n) * Matrix<double>.Build.DenseIdentity(sigma.RowCount);
        return Symmetrise(m.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(sigma.RowCount)));
    }

    /// <summary>The population risk <c>R(A)</c> under (G) for any d×d <c>A</c> (the full formula in the type summary).</summary>
    /// <exception cref="ArgumentException">A is not d×d or not finite, or Σ is not symmetric positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double Risk(Matrix<double> a, Matrix<double> sigma, int contextLength, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        Check(sigma, contextLength, noiseVariance, taskVariance);
        Validate.Shape(a, sigma.RowCount, sigma.RowCount, nameof(a), "d×d like sigma");
        double n = contextLength, tr = sigma.Trace();
        var asa = a.TransposeThisAndMultiply(sigma) * a;   // AᵀΣA
        double t2 = (asa * sigma * sigma).Trace();
        double t1 = (asa * sigma).Trace();
        double cross = (a * sigma * sigma).Trace();
        return taskVariance * ((n + 1) / n * t2 + t1 * tr / n - 2 * cross + tr) + noiseVariance / n * t1 + noiseVariance;
    }

    /// <summary><c>R(A*) = τ²(trΣ − tr(A*Σ²)) + σ²</c> under (G).</summary>
    /// <exception cref="ArgumentException">Σ is not symmetric positive definite or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double OptimalRisk(Matrix<double> sigma, int contextLength, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        var a = Compute(sigma, contextLength, noiseVariance, taskVariance);
        return taskVariance * (sigma.Trace() - (a * sigma * sigma).Trace()) + noiseVariance;
    }

    /// <summary><c>A* = (N/(N+d+1+σ²/τ²)) Σ⁻¹</c> under (G⁻¹), <c>w ~ N(0, τ² Σ⁻¹)</c>.</summary>
    /// <exception cref="ArgumentException">Σ is not symmetric positive definite or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static Matrix<double> ComputeWhitenedTask(Matrix<double> sigma, int contextLength, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        var chol = Check(sigma, contextLength, noiseVariance, taskVariance);
        double eta = OptimalStepSize.GaussianStep(contextLength, sigma.RowCount, noiseVariance, taskVariance);
        return Symmetrise(eta * chol.Solve(Matrix<double>.Build.DenseIdentity(sigma.RowCount)));
    }

    /// <summary>The population risk under (G⁻¹): <c>(τ²(N+d+1) + σ²)/N · tr(AᵀΣAΣ) − 2τ² tr(AΣ) + τ² d + σ²</c>.</summary>
    /// <exception cref="ArgumentException">A is not d×d or not finite, or Σ is not symmetric positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double RiskWhitenedTask(Matrix<double> a, Matrix<double> sigma, int contextLength, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        Check(sigma, contextLength, noiseVariance, taskVariance);
        Validate.Shape(a, sigma.RowCount, sigma.RowCount, nameof(a), "d×d like sigma");
        double n = contextLength, d = sigma.RowCount;
        double t1 = (a.TransposeThisAndMultiply(sigma) * a * sigma).Trace();
        return (taskVariance * (n + d + 1) + noiseVariance) / n * t1 - 2 * taskVariance * (a * sigma).Trace() + taskVariance * d + noiseVariance;
    }

    /// <summary><c>R* = τ² d (1 − η*) + σ²</c> with <c>η* = N/(N+d+1+σ²/τ²)</c> under (G⁻¹) (independent of Σ).</summary>
    /// <exception cref="ArgumentException">Σ is not symmetric positive definite or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double OptimalRiskWhitenedTask(Matrix<double> sigma, int contextLength, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        Check(sigma, contextLength, noiseVariance, taskVariance);
        return OptimalStepSize.GaussianRisk(contextLength, sigma.RowCount, noiseVariance, taskVariance);
    }

    private static MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> Check(Matrix<double> sigma, int contextLength, double noiseVariance, double taskVariance)
    {
        var chol = Validate.Spd(sigma, nameof(sigma));
        Validate.AtLeastOne(contextLength, nameof(contextLength));
        Validate.NonNegative(noiseVariance, nameof(noiseVariance));
        Validate.Positive(taskVariance, nameof(taskVariance));
        return chol;
    }

    private static Matrix<double> Symmetrise(Matrix<double> m) => 0.5 * (m + m.Transpose());
}
