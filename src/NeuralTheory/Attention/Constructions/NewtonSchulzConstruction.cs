using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention.Constructions;

/// <summary>
/// Weights that make <c>K + 2</c> linear self-attention layers run <c>K</c> Newton–Schulz iterations
/// <c>M_0 = α S</c>, <c>M_{k+1} = 2 M_k − M_k S M_k</c>, <c>S = XᵀX</c>, and read out <c>ŷ_K = x_qᵀ M_K Xᵀ y</c>
/// (the iterative-Newton method that Fu et al. 2023, "Transformers learn higher-order optimization methods for
/// in-context learning", arXiv:2310.17086, find in trained transformers; this exact construction is this library's
/// own, spec 4.6, not theirs). Tokens carry an extra <c>d</c>-wide slot: <c>e = (x, v, y) ∈ R^{2d+1}</c>, <c>v = 0</c>
/// initially (<see cref="PromptBuilder.Build(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor?, int)"/> with <c>extraSlots = d</c>).
/// </summary>
/// <remarks>
/// <para>Layers (nonzero blocks, <c>N</c> = context length the weights are built for):
/// init <c>P[v,x] = αN I</c>, <c>Q[x,x] = I</c> ⇒ <c>v_j = α S x_j = M_0 x_j</c>;
/// Newton layer <c>k = 1..K</c>: <c>P[v,v] = −2^{k−2} N I</c>, <c>Q[x,v] = I</c> ⇒ <c>v_j ← v_j − 2^{k−2} Σ_i v_i x_iᵀ v_j</c>,
/// invariant <c>v_j = 2^{−k} M_k x_j</c>;
/// readout <c>P[y,y] = −2^K N</c>, <c>Q[x,v] = I</c> ⇒ query y-slot <c>−x_qᵀ M_K Xᵀ y</c>.</para>
/// <para>Honest limits. <c>α</c> is a <b>fixed hyper-parameter</b> of the weights: [FU]'s data-dependent
/// <c>α = 1/‖S Sᵀ‖_F</c> is a nonlinear function of the prompt that fixed linear attention cannot compute, so pick
/// <c>α &lt; 2/λ_max(S)²</c> for every prompt of interest (at the boundary the top direction never converges).
/// Because the layer normalises by <c>1/N</c> while Newton–Schulz uses the un-normalised <c>S</c>, the weights are
/// built for one context length <c>N</c>. A plain <c>(x, y)</c>-token LSA stack cannot run Newton–Schulz exactly in
/// general: its x-updates are <c>x ← (I + P_xx C Q_xx) x</c> with no separate identity term to form <c>2M − MSM</c>,
/// so only GD++-type polynomial preconditioners arise; the extra <c>v</c> slot supplies the missing memory.
/// Coefficients grow like <c>2^K</c>: use float64 and <c>K ≤ 10</c> for equivalence checks.</para>
/// </remarks>
public static class NewtonSchulzConstruction
{
    /// <summary>Token width <c>D = 2d + 1</c> of the <c>(x, v, y)</c> layout.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    public static int EmbeddingDim(int inputDim) =>
        inputDim >= 1 ? 2 * inputDim + 1 : throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, "Expected d ≥ 1.");

    /// <summary>Merged weights of the <c>K + 2</c> layers (init, <c>K</c> Newton layers, readout), each <c>(2d+1) × (2d+1)</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="newtonSteps"><c>K ≥ 0</c>.</param>
    /// <param name="alpha">Fixed initial scale <c>α &gt; 0</c> (<c>M_0 = α S</c>).</param>
    /// <param name="contextLength">The prompts' <c>N ≥ 1</c> (the weights carry the factor <c>N</c>).</param>
    /// <exception cref="ArgumentException">An argument is out of range or not finite.</exception>
    public static IReadOnlyList<(Matrix<double> P, Matrix<double> Q)> LayerWeights(int inputDim, int newtonSteps, double alpha, int contextLength)
    {
        ConstructionSupport.AtLeast(inputDim, 1, nameof(inputDim), "d");
        ConstructionSupport.AtLeast(newtonSteps, 0, nameof(newtonSteps), "K");
        ConstructionSupport.Positive(alpha, nameof(alpha), "α");
        ConstructionSupport.AtLeast(contextLength, 1, nameof(contextLength), "N");
        int d = inputDim, dim = EmbeddingDim(d), v = d, y = 2 * d;
        double n = contextLength;
        var layers = new List<(Matrix<double>, Matrix<double>)>(newtonSteps + 2);
        Matrix<double> Zero() => Matrix<double>.Build.Dense(dim, dim);

        var p0 = Zero(); var q0 = Zero();
        for (int a = 0; a < d; a++) { p0[v + a, a] = alpha * n; q0[a, a] = 1; }
        layers.Add((p0, q0));

        for (int k = 1; k <= newtonSteps; k++)
        {
            var p = Zero(); var q = Zero();
            double c = -Math.Pow(2, k - 2) * n;
            for (int a = 0; a < d; a++) { p[v + a, v + a] = c; q[a, v + a] = 1; }
            layers.Add((p, q));
        }

        var pr = Zero(); var qr = Zero();
        pr[y, y] = -Math.Pow(2, newtonSteps) * n;
        for (int a = 0; a < d; a++) qr[a, v + a] = 1;
        layers.Add((pr, qr));
        return layers;
    }

    /// <summary>The <c>K + 2</c>-layer stack (independent weights); prompts need <c>extraSlots = d</c> and exactly <paramref name="contextLength"/> context tokens.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="newtonSteps"><c>K ≥ 0</c>.</param>
    /// <param name="alpha">Fixed initial scale <c>α &gt; 0</c>.</param>
    /// <param name="contextLength">The prompts' <c>N ≥ 1</c>.</param>
    /// <param name="dtype">Float64 (default, recommended) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the device is unavailable.</exception>
    public static LinearTransformer Build(int inputDim, int newtonSteps, double alpha, int contextLength,
        ScalarType dtype = ScalarType.Float64, Device? device = null) =>
        ConstructionSupport.Stack(LayerWeights(inputDim, newtonSteps, alpha, contextLength), 1, dtype, device);
}
