using NeuralTheory.Bridge;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralTheory.Normalization;

/// <summary>The normalisation inside a <see cref="NormalizedMlp"/> layer (spec normalization 4.2).</summary>
public enum MlpNorm
{
    /// <summary>No normalisation (the vanilla network).</summary>
    None,
    /// <summary>Standard batch normalisation with batch statistics, eps 1e−5, affine (<see cref="Normalization.BatchNorm"/>).</summary>
    BatchNorm,
    /// <summary>BN0 with a scale option (<see cref="TheoryNormalizations.BatchNorm0"/>).</summary>
    BatchNormTheory,
    /// <summary>Standard layer normalisation (<see cref="Normalization.LayerNorm"/>).</summary>
    LayerNorm,
    /// <summary>LN0: centred, RMS-scaled, no eps (<see cref="TheoryNormalizations.LayerNorm0"/>).</summary>
    LayerNormTheory,
}

/// <summary>The order of normalisation and activation in a layer.</summary>
public enum MlpOrder
{
    /// <summary><c>H_ℓ = σ(g_ℓ · Norm(A_ℓ))</c>.</summary>
    NormAct,
    /// <summary><c>H_ℓ = Norm(σ(g_ℓ · A_ℓ))</c> (Joudaki et al.'s <c>activation_first</c>).</summary>
    ActNorm,
}

/// <summary>The activation <c>σ</c> of a <see cref="NormalizedMlp"/>.</summary>
public enum MlpActivation
{
    /// <summary><c>σ(x) = x</c>.</summary>
    Identity,
    /// <summary>ReLU.</summary>
    Relu,
    /// <summary>tanh.</summary>
    Tanh,
    /// <summary>sin.</summary>
    Sin,
}

/// <summary>
/// The deep random network of the normalisation papers, one construction for all (spec normalization 4.2): for <c>ℓ = 1..L</c>,
/// <c>A_ℓ = W_ℓ H_{ℓ−1}</c> and <c>H_ℓ = σ(g_ℓ Norm(A_ℓ))</c> (or <c>Norm(σ(g_ℓ A_ℓ))</c>) with gains <c>g_ℓ = ℓ^{−e}</c>, batch-first rows
/// (<c>X = Hᵀ</c>), no biases; optional linear readout. Weights are Gaussian <c>N(0, s²/d_in)</c> or Haar-orthogonal (QR with the sign
/// fix). Papers: Daneshmand et al. 2020/2021 (arXiv:2003.01652, 2106.03970), Joudaki et al. 2023 (arXiv:2305.18399),
/// Meterez et al. 2023 (arXiv:2310.02012; gain exponent e = 0.4 for activation shaping).
/// </summary>
public sealed class NormalizedMlp : nn.Module<Tensor, Tensor>
{
    private readonly List<BatchNorm> _bn = new();
    private readonly List<LayerNorm> _ln = new();

    /// <summary>Creates the network with seeded weights.</summary>
    /// <param name="inputDim"><c>d_in ≥ 1</c>.</param>
    /// <param name="width"><c>d ≥ 1</c>.</param>
    /// <param name="depth"><c>L ≥ 1</c>.</param>
    /// <param name="norm">The normalisation.</param>
    /// <param name="activation">The activation.</param>
    /// <param name="order">Norm then activation (default) or the reverse.</param>
    /// <param name="orthogonal">Haar-orthogonal weights (square layers only) instead of Gaussian.</param>
    /// <param name="gaussianScale"><c>s</c> of the Gaussian weights (finite, &gt; 0; <c>√2</c> for ReLU "He").</param>
    /// <param name="gainExponent"><c>e ≥ 0</c> of the gains <c>g_ℓ = ℓ^{−e}</c>.</param>
    /// <param name="bn0Scale">The scale of BN0 when <paramref name="norm"/> is <see cref="MlpNorm.BatchNormTheory"/>.</param>
    /// <param name="outputDim">Readout size <c>k ≥ 0</c> (0: none).</param>
    /// <param name="seed">Seed of the CPU generator.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <exception cref="ArgumentException">An argument is out of range (e.g. orthogonal weights for a non-square first layer).</exception>
    public NormalizedMlp(int inputDim, int width, int depth, MlpNorm norm, MlpActivation activation, MlpOrder order = MlpOrder.NormAct,
        bool orthogonal = false, double gaussianScale = 1, double gainExponent = 0, Bn0Scale bn0Scale = Bn0Scale.UnitRms, int outputDim = 0,
        long seed = 0, ScalarType dtype = ScalarType.Float64) : base(nameof(NormalizedMlp))
    {
        if (inputDim < 1) throw new ArgumentException($"Expected d_in ≥ 1, got {inputDim}.", nameof(inputDim));
        if (width < 1) throw new ArgumentException($"Expected width d ≥ 1, got {width}.", nameof(width));
        if (depth < 1) throw new ArgumentException($"Expected depth L ≥ 1, got {depth}.", nameof(depth));
        if (!Enum.IsDefined(norm)) throw new ArgumentException($"Unknown norm {norm}.", nameof(norm));
        if (!Enum.IsDefined(activation)) throw new ArgumentException($"Unknown activation {activation}.", nameof(activation));
        if (!Enum.IsDefined(order)) throw new ArgumentException($"Unknown order {order}.", nameof(order));
        if (!Enum.IsDefined(bn0Scale)) throw new ArgumentException($"Unknown BN0 scale {bn0Scale}.", nameof(bn0Scale));
        if (orthogonal && inputDim != width) throw new ArgumentException($"Orthogonal weights need square layers: d_in = {inputDim} ≠ d = {width}.", nameof(orthogonal));
        if (!double.IsFinite(gaussianScale) || gaussianScale <= 0) throw new ArgumentException($"Expected a finite s > 0, got {gaussianScale}.", nameof(gaussianScale));
        if (!double.IsFinite(gainExponent) || gainExponent < 0) throw new ArgumentException($"Expected a finite gain exponent ≥ 0, got {gainExponent}.", nameof(gainExponent));
        if (outputDim < 0) throw new ArgumentException($"Expected k ≥ 0, got {outputDim}.", nameof(outputDim));
        DtypeCheck.Floating(dtype);
        InputDim = inputDim; Width = width; Depth = depth; Norm = norm; Activation = activation; Order = order;
        GainExponent = gainExponent; Bn0Scale = bn0Scale; OutputDim = outputDim;
        using var generator = new Generator((ulong)seed, CPU);
        for (int l = 0; l < depth; l++)
        {
            int fanIn = l == 0 ? inputDim : width;
            var w = orthogonal ? Haar(width, generator) : randn([width, fanIn], ScalarType.Float64, generator: generator) * (gaussianScale / Math.Sqrt(fanIn));
            register_parameter($"W{l + 1}", new Parameter(w.to(dtype).DetachFromDisposeScope()));
            if (norm == MlpNorm.BatchNorm) { var m = new BatchNorm(width, dtype: dtype); _bn.Add(m); register_module($"bn{l + 1}", m); }
            if (norm == MlpNorm.LayerNorm) { var m = new LayerNorm(width, dtype: dtype); _ln.Add(m); register_module($"ln{l + 1}", m); }
        }
        if (outputDim > 0)
        {
            var readout = orthogonal
                ? Haar(width, generator).narrow(0, 0, Math.Min(outputDim, width))
                : randn([outputDim, width], ScalarType.Float64, generator: generator) * Math.Sqrt(2.0 / (width + outputDim));
            register_parameter("Wout", new Parameter(readout.to(dtype).DetachFromDisposeScope()));
        }
    }

    /// <summary>Input dimension.</summary>
    public int InputDim { get; }

    /// <summary>Width.</summary>
    public int Width { get; }

    /// <summary>Depth.</summary>
    public int Depth { get; }

    /// <summary>The normalisation.</summary>
    public MlpNorm Norm { get; }

    /// <summary>The activation.</summary>
    public MlpActivation Activation { get; }

    /// <summary>The order.</summary>
    public MlpOrder Order { get; }

    /// <summary>The gain exponent <c>e</c>.</summary>
    public double GainExponent { get; }

    /// <summary>The BN0 scale.</summary>
    public Bn0Scale Bn0Scale { get; }

    /// <summary>Readout size (0: none).</summary>
    public int OutputDim { get; }


    /// <summary>The weight of layer <paramref name="layer"/> (1-based), shape <c>[d, d_in or d]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The layer is outside <c>1..L</c>.</exception>
    public Parameter Weight(int layer) =>
        layer >= 1 && layer <= Depth ? get_parameter($"W{layer}")! : throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Expected 1 ≤ layer ≤ L = {Depth}.");

    /// <summary>The output: <c>Z = H_L W_outᵀ</c> with a readout, else <c>H_L</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a finite <c>[n, d_in]</c> batch of the weights' dtype.</exception>
    public override Tensor forward(Tensor x) => Run(x, null, null);

    /// <summary>Runs the network and returns every pre-normalisation <c>A_ℓ</c> and hidden <c>H_ℓ</c> (detached copies, <c>ℓ = 1..L</c>).</summary>
    /// <exception cref="ArgumentException">As for <see cref="forward"/>.</exception>
    public (IReadOnlyList<Tensor> A, IReadOnlyList<Tensor> H) Representations(Tensor x)
    {
        var a = new List<Tensor>();
        var h = new List<Tensor>();
        using (no_grad()) Run(x, a, h).Dispose();
        return (a, h);
    }

    /// <summary><c>‖∂Loss/∂W_ℓ‖_F</c> for <c>ℓ = 1..L</c> after one backward pass of <paramref name="loss"/> (no optimiser step; gradients are cleared first).</summary>
    /// <param name="x">Input batch.</param>
    /// <param name="loss">Maps the output to a scalar loss.</param>
    /// <exception cref="ArgumentException">As for <see cref="forward"/>.</exception>
    public double[] LayerGradNorms(Tensor x, Func<Tensor, Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        zero_grad();
        using (var scope = NewDisposeScope())
        using (enable_grad())
        {
            var l = loss(forward(x));
            if (l is null || l.numel() != 1 || !l.is_floating_point())
                throw new ArgumentException($"Expected loss to return a floating scalar, got {(l is null ? "null" : $"dtype {l.dtype}, shape [{string.Join(", ", l.shape)}]")}.", nameof(loss));
            l.backward();
        }
        var norms = Enumerable.Range(1, Depth).Select(l => Weight(l).grad is { } g ? g.to_type(ScalarType.Float64).norm().item<double>() : 0).ToArray();
        zero_grad();
        return norms;
    }

    private Tensor Run(Tensor x, List<Tensor>? aOut, List<Tensor>? hOut)
    {
        NormalizationChecks.BatchFirst(x, InputDim, nameof(x));
        Attention.AttentionChecks.SameKind(x, Weight(1), nameof(x), "the weights");
        using var scope = NewDisposeScope();
        var h = x;
        for (int l = 1; l <= Depth; l++)
        {
            var a = h.matmul(Weight(l).t());
            double gain = Math.Pow(l, -GainExponent);
            h = Order == MlpOrder.NormAct ? Sigma(Normalize(a, l).Times(gain)) : Normalize(Sigma(a.Times(gain)), l);
            aOut?.Add(a.detach().clone().MoveToOuterDisposeScope());
            hOut?.Add(h.detach().clone().MoveToOuterDisposeScope());
        }
        var output = OutputDim > 0 ? h.matmul(get_parameter("Wout")!.t()) : h;
        return output.MoveToOuterDisposeScope();
    }

    private Tensor Normalize(Tensor a, int layer) => Norm switch
    {
        MlpNorm.None => a,
        MlpNorm.BatchNorm => _bn[layer - 1].forward(a),
        MlpNorm.BatchNormTheory => TheoryNormalizations.BatchNorm0(a, Bn0Scale),
        MlpNorm.LayerNorm => _ln[layer - 1].forward(a),
        _ => TheoryNormalizations.LayerNorm0(a),
    };

    private Tensor Sigma(Tensor z) => Activation switch
    {
        MlpActivation.Identity => z,
        MlpActivation.Relu => z.relu(),
        MlpActivation.Tanh => z.tanh(),
        _ => z.sin(),
    };

    /// <summary>Haar-orthogonal <c>d × d</c>: QR of a Gaussian matrix with the sign fix <c>Q diag(sign R_ii)</c> (spec 2.2).</summary>
    private static Tensor Haar(int d, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (q, r) = linalg.qr(randn([d, d], ScalarType.Float64, generator: generator));
        return (q * r.diagonal().sign()).MoveToOuterDisposeScope();
    }
}
