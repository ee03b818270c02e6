using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// One batch of sampled linear-regression tasks, <c>y_i = wᵀ x_i + ε_i</c>, <c>y_q = wᵀ x_q + ε_q</c> (spec 2.9), with its
/// prompt <c>Z = PromptBuilder.Build(X, Y, x_q)</c> (von Oswald et al. 2022, arXiv:2212.07677, token layout
/// <c>(x, y)</c>, query last). Owns its tensors: dispose it.
/// </summary>
public sealed class RegressionPromptBatch : IDisposable
{
    internal RegressionPromptBatch(Tensor x, Tensor y, Tensor queryX, Tensor queryY, Tensor weights, Tensor prompt)
    {
        X = x; Y = y; QueryX = queryX; QueryY = queryY; Weights = weights; Prompt = prompt;
    }

    /// <summary>Context inputs, shape <c>(B, N, d)</c>.</summary>
    public Tensor X { get; }

    /// <summary>Context targets, shape <c>(B, N, 1)</c>.</summary>
    public Tensor Y { get; }

    /// <summary>Query inputs, shape <c>(B, d)</c>.</summary>
    public Tensor QueryX { get; }

    /// <summary>Query targets (noisy), shape <c>(B, 1)</c>.</summary>
    public Tensor QueryY { get; }

    /// <summary>Task weights <c>w</c>, shape <c>(B, d)</c>.</summary>
    public Tensor Weights { get; }

    /// <summary>The prompt <c>Z</c>, shape <c>(B, N+1, d+1)</c>, query y-slot 0.</summary>
    public Tensor Prompt { get; }

    /// <summary>Disposes every tensor of the batch.</summary>
    public void Dispose()
    {
        X.Dispose(); Y.Dispose(); QueryX.Dispose(); QueryY.Dispose(); Weights.Dispose(); Prompt.Dispose();
    }
}
