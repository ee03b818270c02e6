namespace NeuralTheory.Attention;

/// <summary>
/// The two parametrisations of a linear self-attention layer (spec 2.4; von Oswald et al. 2022, arXiv:2212.07677):
/// merged <c>(P_h, Q_h)</c>, or separate <c>(W_Q, W_K, W_V, W_O)</c> per head, related exactly by
/// <c>P = W_O W_V</c>, <c>Q = W_Kᵀ W_Q</c>.
/// </summary>
public enum AttentionForm
{
    /// <summary>Merged value-projection <c>P_h</c> and key-query matrix <c>Q_h</c>, both <c>D×D</c> (Ahn et al. 2023, arXiv:2306.00297).</summary>
    Merged,

    /// <summary>Separate <c>W_Q, W_K ∈ R^{k×D}</c>, <c>W_V ∈ R^{v×D}</c>, <c>W_O ∈ R^{D×v}</c> per head.</summary>
    Separate,
}
