namespace NeuralTheory.Attention;

/// <summary>
/// Prior of the regression weights <c>w</c> in sampled in-context tasks (spec 2.9): isotropic <c>w ~ N(0, τ² I)</c>
/// (data model (G); von Oswald et al. 2022, arXiv:2212.07677) or whitened <c>w ~ N(0, Σ⁻¹)</c> (data model (G⁻¹);
/// Ahn et al. 2023, arXiv:2306.00297, code <c>w = U D⁻¹ g</c>).
/// </summary>
public enum TaskPrior
{
    /// <summary><c>w ~ N(0, τ² I_d)</c>.</summary>
    Isotropic,

    /// <summary><c>w ~ N(0, Σ⁻¹)</c>, with <c>Σ</c> the input covariance (<c>τ²</c> is ignored).</summary>
    InverseCovariance,
}
