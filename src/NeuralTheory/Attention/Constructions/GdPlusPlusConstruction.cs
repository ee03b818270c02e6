using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention.Constructions;

/// <summary>
/// Weights that make <c>K</c> linear self-attention layers run <c>K</c> steps of GD++, von Oswald et al.'s
/// curvature-corrected gradient descent (von Oswald et al. 2022, arXiv:2212.07677, Sec. 4 "GD++"; code
/// <c>create_weights(lin_diag=True)</c>; spec 4.5): one head with merged
/// <c>P = [[−γ I_d, 0],[0, −η]]</c>, <c>Q = [[I_d, 0],[0, 0]]</c> (separately <c>W_Q = W_K = [[I_d,0],[0,0]]</c>,
/// <c>W_V = [[I_d,0],[0,−1]]</c>, <c>W_O = [[−γ I_d,0],[0,η]]</c>).
/// </summary>
/// <remarks>
/// Each layer, from its input: <c>x_j ← (I − γ C_k) x_j</c> and <c>y_j ← y_j − η x_jᵀ g_k</c> for every token, with
/// <c>C_k = (1/N) Σ_i x_i x_iᵀ</c> and <c>g_k = (1/N) Σ_i r_i x_i</c> of the current tokens (spec 3.3). Equivalently,
/// preconditioned GD with <c>η A_k²</c>, <c>A_{k+1} = A_k (I − γ A_k C A_k)</c>. <c>γ = 0</c> is plain GD. <c>W0 = 0</c>,
/// <c>o = 1</c>. [VO]'s <c>γ_VO</c> (no <c>1/N</c>) is <c>γ_ours / N</c>.
/// </remarks>
public static class GdPlusPlusConstruction
{
    /// <summary>Merged weights of one layer: <c>P = [[−γ I_d, 0],[0, −η]]</c>, <c>Q = [[I_d, 0],[0, 0]]</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <param name="gamma">Curvature correction <c>γ ≥ 0</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or not finite.</exception>
    public static (Matrix<double> P, Matrix<double> Q) Weights(int inputDim, double eta, double gamma)
    {
        ConstructionSupport.AtLeast(inputDim, 1, nameof(inputDim), "d");
        ConstructionSupport.Positive(eta, nameof(eta), "step size η");
        ConstructionSupport.NonNegative(gamma, nameof(gamma), "γ");
        int dim = inputDim + 1;
        var p = Matrix<double>.Build.Dense(dim, dim);
        var q = Matrix<double>.Build.Dense(dim, dim);
        for (int a = 0; a < inputDim; a++) { p[a, a] = -gamma; q[a, a] = 1; }
        p[inputDim, inputDim] = -eta;
        return (p, q);
    }

    /// <summary>A stack of <paramref name="steps"/> shared layers with the same <c>(η, γ)</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="steps">Number of layers <c>K ≥ 0</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <param name="gamma">Curvature correction <c>γ ≥ 0</c>.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the device is unavailable.</exception>
    public static LinearTransformer Build(int inputDim, int steps, double eta, double gamma, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ConstructionSupport.AtLeast(steps, 0, nameof(steps), "K");
        return ConstructionSupport.Shared(Weights(inputDim, eta, gamma), steps, 1, dtype, device);
    }

    /// <summary>A stack of independent layers, layer <c>k</c> with its own <c>(η_k, γ_k)</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="perLayer">One <c>(η_k &gt; 0, γ_k ≥ 0)</c> per layer (may be empty: identity stack).</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the device is unavailable.</exception>
    public static LinearTransformer Build(int inputDim, IReadOnlyList<(double Eta, double Gamma)> perLayer, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(perLayer);
        ConstructionSupport.AtLeast(inputDim, 1, nameof(inputDim), "d");
        return ConstructionSupport.Stack(perLayer.Select(s => Weights(inputDim, s.Eta, s.Gamma)).ToArray(), 1, dtype, device);
    }
}
