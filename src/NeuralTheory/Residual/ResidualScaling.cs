namespace NeuralTheory.Residual;

/// <summary>
/// The residual scaling <c>α</c>, the same for every block: <c>α_L = L^{−β}</c> (<see cref="Power"/>, <c>β = 1/2</c> by default;
/// Marion, Fermanian, Biau, Vert 2022, "Scaling ResNets in the Large-depth Regime", arXiv:2206.06929) or an explicit value.
/// </summary>
public sealed record ResidualScaling
{
    private ResidualScaling(double? beta, double? alpha)
    {
        Beta = beta;
        ExplicitAlpha = alpha;
    }

    /// <summary><c>α = L^{−β}</c> (β = 0: the plain ResNet; β = 1: the neural-ODE scaling, but use <see cref="Explicit"/>(1/L) for exact Euler equivalence).</summary>
    /// <param name="beta">Finite depth exponent.</param>
    /// <exception cref="ArgumentException"><paramref name="beta"/> is not finite.</exception>
    public static ResidualScaling Power(double beta = 0.5)
    {
        if (!double.IsFinite(beta)) throw new ArgumentException($"Expected a finite β, got {beta}.", nameof(beta));
        return new ResidualScaling(beta, null);
    }

    /// <summary>A fixed <c>α &gt; 0</c>.</summary>
    /// <param name="alpha">Finite, &gt; 0.</param>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> is not finite and positive.</exception>
    public static ResidualScaling Explicit(double alpha)
    {
        if (!double.IsFinite(alpha) || alpha <= 0) throw new ArgumentException($"Expected a finite α > 0, got {alpha}.", nameof(alpha));
        return new ResidualScaling(null, alpha);
    }

    /// <summary>The exponent β (null for an explicit α).</summary>
    public double? Beta { get; }

    /// <summary>The explicit α (null for a power law).</summary>
    public double? ExplicitAlpha { get; }

    /// <summary><c>α</c> for depth <paramref name="depth"/>: <c>Math.Pow(L, −β)</c> or the explicit value.</summary>
    public double AlphaFor(int depth) =>
        depth >= 1 ? ExplicitAlpha ?? Math.Pow(depth, -Beta!.Value) : throw new ArgumentOutOfRangeException(nameof(depth), depth, "Expected depth L ≥ 1.");
}
