using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// The states <c>Z^{(0..L)}</c> and readouts <c>ŷ_{0..L}</c> of one pass through a <see cref="LinearTransformer"/>
/// (spec 4.1: per-layer readouts <c>ŷ_ℓ = −Z^{(ℓ)}[:, N, D−o:]</c>, von Oswald et al. 2022, arXiv:2212.07677).
/// Owns its tensors: dispose it.
/// </summary>
public sealed class LinearTransformerTrace : IDisposable
{
    internal LinearTransformerTrace(IReadOnlyList<Tensor> states, IReadOnlyList<Tensor> readouts)
    {
        States = states;
        Readouts = readouts;
    }

    /// <summary><c>States[ℓ] = Z^{(ℓ)}</c>, shape <c>(B, N+1, D)</c>, <c>ℓ = 0..L</c> (<c>States[0]</c> is a copy of the input).</summary>
    public IReadOnlyList<Tensor> States { get; }

    /// <summary><c>Readouts[ℓ] = −Z^{(ℓ)}[:, N, D−o:]</c>, shape <c>(B, o)</c>, <c>ℓ = 0..L</c>.</summary>
    public IReadOnlyList<Tensor> Readouts { get; }

    /// <summary>Disposes every state and readout.</summary>
    public void Dispose()
    {
        foreach (var t in States) t.Dispose();
        foreach (var t in Readouts) t.Dispose();
    }
}
