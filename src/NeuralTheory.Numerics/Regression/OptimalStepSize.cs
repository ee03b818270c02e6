namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// The optimal single GD step from <c>w = 0</c> (= optimal one-layer LSA with isotropic inputs), spec 3.6:
/// Gaussian (Mahankali et al. 2023, arXiv:2307.03576, Thm. 1), <c>Σ = I</c>: <c>η* = N/(N + d + 1 + σ²/τ²)</c>,
/// <c>R* = τ² d (1 − η*) + σ²</c>. I.i.d. coordinates with variance <c>s</c> and fourth moment <c>m4</c> (e.g.
/// U(−a, a) of von Oswald et al. 2022, arXiv:2212.07677: <c>s = a²/3</c>, <c>m4 = a⁴/5</c>), <c>τ² = 1</c>, <c>σ² = 0</c>:
/// <c>R(η) = s d (c₂ η² − 2 s η + 1)</c> with <c>c₂ = ((d−1)s² + m4)/N + (N−1)s²/N</c>, so <c>η* = s/c₂</c>,
/// <c>R* = s d (1 − s²/c₂)</c>. Risks are plain MSE; <see cref="OneStepOptimum.HalfMse"/> gives [VO]'s half-MSE.
/// </summary>
public static class OptimalStepSize
{
    /// <summary><c>η* = N/(N + d + 1 + σ²/τ²)</c> under (G), <c>Σ = I</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>d &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double GaussianStep(int contextLength, int inputDimension, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        CheckGaussian(contextLength, inputDimension, noiseVariance, taskVariance);
        double n = contextLength;
        return n / (n + inputDimension + 1 + noiseVariance / taskVariance);
    }

    /// <summary><c>R* = τ² d (1 − η*) + σ²</c> under (G), <c>Σ = I</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>d &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static double GaussianRisk(int contextLength, int inputDimension, double noiseVariance = 0.0, double taskVariance = 1.0)
    {
        double eta = GaussianStep(contextLength, inputDimension, noiseVariance, taskVariance);
        return taskVariance * inputDimension * (1 - eta) + noiseVariance;
    }

    /// <summary>Both <c>η*</c> and <c>R*</c> under (G), <c>Σ = I</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>d &lt; 1</c>, <c>σ² &lt; 0</c> or <c>τ² ≤ 0</c>.</exception>
    public static OneStepOptimum Gaussian(int contextLength, int inputDimension, double noiseVariance = 0.0, double taskVariance = 1.0) =>
        new(GaussianStep(contextLength, inputDimension, noiseVariance, taskVariance), GaussianRisk(contextLength, inputDimension, noiseVariance, taskVariance));

    /// <summary><c>η*</c> and <c>R*</c> for i.i.d. coordinates with variance <c>s</c> and fourth moment <c>m4</c> (<c>τ² = 1</c>, <c>σ² = 0</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>d &lt; 1</c>, <c>s ≤ 0</c>, or <c>m4 &lt; s²</c> (impossible moments).</exception>
    public static OneStepOptimum IndependentCoordinates(int contextLength, int inputDimension, double variance, double fourthMoment)
    {
        double c2 = SecondMomentConstant(contextLength, inputDimension, variance, fourthMoment);
        double s = variance;
        return new OneStepOptimum(s / c2, s * inputDimension * (1 - s * s / c2));
    }

    /// <summary><c>R(η) = s d (c₂ η² − 2 s η + 1)</c>, the one-step risk at any <c>η</c> for i.i.d. coordinates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="IndependentCoordinates"/>, or <c>η</c> not finite.</exception>
    public static double IndependentCoordinatesRisk(double eta, int contextLength, int inputDimension, double variance, double fourthMoment)
    {
        if (!double.IsFinite(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be finite.");
        double c2 = SecondMomentConstant(contextLength, inputDimension, variance, fourthMoment);
        return variance * inputDimension * (c2 * eta * eta - 2 * variance * eta + 1);
    }

    /// <summary><c>η*</c> and <c>R*</c> for data (U), <c>x_j ~ U(−a, a)</c>: <c>s = a²/3</c>, <c>m4 = a⁴/5</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>N &lt; 1</c>, <c>d &lt; 1</c> or <c>a ≤ 0</c>.</exception>
    public static OneStepOptimum Uniform(int contextLength, int inputDimension, double halfWidth)
    {
        Validate.Positive(halfWidth, nameof(halfWidth));
        double a2 = halfWidth * halfWidth;
        return IndependentCoordinates(contextLength, inputDimension, a2 / 3, a2 * a2 / 5);
    }

    private static double SecondMomentConstant(int contextLength, int inputDimension, double s, double m4)
    {
        Validate.AtLeastOne(contextLength, nameof(contextLength));
        Validate.AtLeastOne(inputDimension, nameof(inputDimension));
        Validate.Positive(s, "variance");
        Validate.Positive(m4, "fourthMoment");
        if (m4 < s * s * (1 - 1e-12))
            throw new ArgumentOutOfRangeException("fourthMoment", m4, $"fourthMoment must be ≥ variance² = {s * s} (Jensen).");
        double n = contextLength, d = inputDimension;
        return ((d - 1) * s * s + m4) / n + (n - 1) * s * s / n;
    }

    private static void CheckGaussian(int contextLength, int inputDimension, double noiseVariance, double taskVariance)
    {
        Validate.AtLeastOne(contextLength, nameof(contextLength));
        Validate.AtLeastOne(inputDimension, nameof(inputDimension));
        Validate.NonNegative(noiseVariance, nameof(noiseVariance));
        Validate.Positive(taskVariance, nameof(taskVariance));
    }
}

/// <summary>An optimal one-step size <c>η*</c> and its plain-MSE risk <c>R* = E(ŷ − y_q)²</c> (spec 3.6).</summary>
/// <param name="Eta">The optimal step <c>η*</c>.</param>
/// <param name="Risk">The risk <c>R*</c> at <c>η*</c>, plain MSE.</param>
public sealed record OneStepOptimum(double Eta, double Risk)
{
    /// <summary>The half-MSE <c>R*/2</c> that von Oswald et al. report.</summary>
    public double HalfMse => Risk / 2;
}
