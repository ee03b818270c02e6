using NeuralTheory.Bridge;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralTheory.Residual;

/// <summary>
/// A residual network of depth <c>L</c> and width <c>d</c> with depth scaling: <c>h_k = h_{k−1} + α r_k(h_{k−1})</c>,
/// <c>α = L^{−β}</c> (spec residual-scaling 2.1, 4.1; Marion, Fermanian, Biau, Vert 2022, arXiv:2206.06929). Batches are rows:
/// <c>H_k = H_{k−1} + α σ(H_{k−1} W_kᵀ) V_kᵀ</c> for the two-layer branch. The weights are stacked per role, <c>V: [L, d, m]</c>,
/// <c>W: [L, m, d]</c> (column convention: <c>V_k</c> is <c>d × m</c>).
/// </summary>
/// <remarks>
/// With <c>α = 1/L</c> and left-endpoint weights <c>V_k = V((k−1)/L)</c>, the network is exactly explicit Euler with step
/// <c>1/L</c> on <c>dH/dt = V(t) σ(W(t) H)</c> (see <c>ResidualOdeCorrespondence</c>; Marion et al. 2023, "Implicit
/// regularization of deep residual networks towards neural ODEs", arXiv:2309.01213). The forward is a plain loop of
/// matmuls (no fused kernels), so float64 runs match the reference to round-off.
/// </remarks>
public sealed class ResidualNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates a network with i.i.d. Gaussian weights <c>N(0, 1/fan_in)</c> drawn from a seeded CPU generator.</summary>
    /// <param name="depth"><c>L ≥ 1</c>.</param>
    /// <param name="width"><c>d ≥ 1</c>.</param>
    /// <param name="branch">The residual branch.</param>
    /// <param name="activation">The activation <c>σ</c>.</param>
    /// <param name="scaling">The scaling (default <c>L^{−1/2}</c>).</param>
    /// <param name="innerWidth"><c>m ≥ 1</c> for the two-layer branch (default <c>d</c>).</param>
    /// <param name="seed">Seed of the draw.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public ResidualNetwork(int depth, int width, BranchType branch, ResidualActivation activation, ResidualScaling? scaling = null,
        int? innerWidth = null, long seed = 0, ScalarType dtype = ScalarType.Float64, Device? device = null)
        : this(depth, width, branch, activation, scaling, innerWidth ?? width, dtype, device, Draw(depth, width, branch, innerWidth ?? width, seed, dtype, device))
    {
    }

    /// <summary>Creates a network whose <c>V</c> and <c>W</c> stacks are drawn from an initialisation family (spec 4.2), seeded.</summary>
    /// <param name="depth"><c>L ≥ 1</c>.</param>
    /// <param name="width"><c>d ≥ 1</c>.</param>
    /// <param name="branch">The residual branch.</param>
    /// <param name="activation">The activation.</param>
    /// <param name="init">The family for both stacks (V drawn first, then W, from one generator).</param>
    /// <param name="scaling">The scaling (default <c>L^{−1/2}</c>).</param>
    /// <param name="innerWidth"><c>m</c> for the two-layer branch (default <c>d</c>).</param>
    /// <param name="seed">Seed of the CPU generator.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public static ResidualNetwork Create(int depth, int width, BranchType branch, ResidualActivation activation, ResidualInit init,
        ResidualScaling? scaling = null, int? innerWidth = null, long seed = 0, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        if (depth < 1) throw new ArgumentException($"Expected depth L ≥ 1, got {depth}.", nameof(depth));
        if (width < 1) throw new ArgumentException($"Expected width d ≥ 1, got {width}.", nameof(width));
        if (innerWidth is < 1) throw new ArgumentException($"Expected inner width m ≥ 1, got {innerWidth}.", nameof(innerWidth));
        DtypeCheck.Floating(dtype);
        int m = branch == BranchType.TwoLayer ? innerWidth ?? width : width;
        if (m < 1) throw new ArgumentException($"Expected inner width m ≥ 1, got {m}.", nameof(innerWidth));
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, CPU);
        var v = branch == BranchType.PostActivation ? null : init.Sample(depth, width, m, generator, dtype, device);
        var w = branch is BranchType.PostActivation or BranchType.TwoLayer ? init.Sample(depth, m, width, generator, dtype, device) : null;
        return FromWeights(v, w, branch, activation, scaling);
    }

    /// <summary>Creates a network from explicit weight stacks (copied).</summary>
    /// <param name="v"><c>V: [L, d, m]</c> (<c>[L, d, d]</c> for Linear and PreActivation), finite; null for PostActivation.</param>
    /// <param name="w"><c>W: [L, m, d]</c> (<c>[L, d, d]</c> for PostActivation), finite; null for Linear and PreActivation.</param>
    /// <param name="branch">The residual branch.</param>
    /// <param name="activation">The activation.</param>
    /// <param name="scaling">The scaling (default <c>L^{−1/2}</c>).</param>
    /// <exception cref="ArgumentException">The stacks are missing, superfluous, or of inconsistent shapes, dtypes or devices.</exception>
    public static ResidualNetwork FromWeights(Tensor? v, Tensor? w, BranchType branch, ResidualActivation activation, ResidualScaling? scaling = null)
    {
        bool needV = branch != BranchType.PostActivation, needW = branch is BranchType.PostActivation or BranchType.TwoLayer;
        if (needV != v is not null) throw new ArgumentException(needV ? $"The {branch} branch needs V." : $"The {branch} branch has no V.", nameof(v));
        if (needW != w is not null) throw new ArgumentException(needW ? $"The {branch} branch needs W." : $"The {branch} branch has no W.", nameof(w));
        var any = (v ?? w)!;
        if (any.dim() != 3 || any.shape.Any(s => s < 1)) throw new ArgumentException($"Expected a weight stack of shape [L, rows, columns], got [{string.Join(", ", any.shape)}].", v is not null ? nameof(v) : nameof(w));
        int depth = (int)any.shape[0];
        int width = (int)(v is not null ? v.shape[1] : w!.shape[2]);
        int inner = branch == BranchType.TwoLayer ? (int)v!.shape[2] : width;
        if (v is not null && !v.shape.SequenceEqual(new long[] { depth, width, inner }))
            throw new ArgumentException($"Expected V of shape [{depth}, {width}, {inner}], got [{string.Join(", ", v.shape)}].", nameof(v));
        if (w is not null && !w.shape.SequenceEqual(new long[] { depth, inner, width }))
            throw new ArgumentException($"Expected W of shape [{depth}, {inner}, {width}], got [{string.Join(", ", w.shape)}].", nameof(w));
        if (v is not null && w is not null && (v.dtype != w.dtype || v.device_type != w.device_type))
            throw new ArgumentException("V and W must have the same dtype and device.", nameof(w));
        if (any.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"Expected float32 or float64 weights, got {any.dtype}.", v is not null ? nameof(v) : nameof(w));
        if (v is not null) Attention.AttentionChecks.Finite(v, nameof(v));
        if (w is not null) Attention.AttentionChecks.Finite(w, nameof(w));
        return new ResidualNetwork(depth, width, branch, activation, scaling, inner, any.dtype, any.device, (v?.detach().clone(), w?.detach().clone()));
    }

    private ResidualNetwork(int depth, int width, BranchType branch, ResidualActivation activation, ResidualScaling? scaling, int inner,
        ScalarType dtype, Device? device, (Tensor? V, Tensor? W) weights) : base(nameof(ResidualNetwork))
    {
        if (!Enum.IsDefined(branch)) throw new ArgumentException($"Unknown branch {branch}.", nameof(branch));
        if (!Enum.IsDefined(activation)) throw new ArgumentException($"Unknown activation {activation}.", nameof(activation));
        Depth = depth;
        Width = width;
        InnerWidth = inner;
        Branch = branch;
        Activation = activation;
        Scaling = scaling ?? ResidualScaling.Power();
        Alpha = Scaling.AlphaFor(depth);
        if (weights.V is not null) register_parameter("V", new Parameter(weights.V.DetachFromDisposeScope()));
        if (weights.W is not null) register_parameter("W", new Parameter(weights.W.DetachFromDisposeScope()));
    }

    private static (Tensor? V, Tensor? W) Draw(int depth, int width, BranchType branch, int inner, long seed, ScalarType dtype, Device? device)
    {
        if (depth < 1) throw new ArgumentException($"Expected depth L ≥ 1, got {depth}.", nameof(depth));
        if (width < 1) throw new ArgumentException($"Expected width d ≥ 1, got {width}.", nameof(width));
        if (inner < 1) throw new ArgumentException($"Expected inner width m ≥ 1, got {inner}.", "innerWidth");
        DtypeCheck.Floating(dtype);
        var target = DeviceCheck.Resolve(device, nameof(device));
        using var generator = new Generator((ulong)seed, CPU);
        int m = branch == BranchType.TwoLayer ? inner : width;
        Tensor? v = branch == BranchType.PostActivation ? null
            : (randn([depth, width, m], ScalarType.Float64, CPU, generator: generator) / Math.Sqrt(m)).to(dtype, target).DetachFromDisposeScope();
        Tensor? w = branch is BranchType.PostActivation or BranchType.TwoLayer
            ? (randn([depth, m, width], ScalarType.Float64, CPU, generator: generator) / Math.Sqrt(width)).to(dtype, target).DetachFromDisposeScope()
            : null;
        return (v, w);
    }

    /// <summary>Depth <c>L</c>.</summary>
    public int Depth { get; }

    /// <summary>Width <c>d</c>.</summary>
    public int Width { get; }

    /// <summary>Inner width <c>m</c> of the two-layer branch (<c>d</c> otherwise).</summary>
    public int InnerWidth { get; }

    /// <summary>The branch.</summary>
    public BranchType Branch { get; }

    /// <summary>The activation.</summary>
    public ResidualActivation Activation { get; }

    /// <summary>The scaling rule.</summary>
    public ResidualScaling Scaling { get; }

    /// <summary><c>α</c> for this depth.</summary>
    public double Alpha { get; }

    /// <summary>The stack <c>V: [L, d, m]</c> (null for PostActivation).</summary>
    public Parameter? V => get_parameter("V");

    /// <summary>The stack <c>W: [L, m, d]</c> (null for Linear and PreActivation).</summary>
    public Parameter? W => get_parameter("W");

    /// <summary><c>h_L</c> for a batch <c>X [n, d]</c> (rows are samples).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not <c>[n, d]</c>, finite, of the weights' dtype and device.</exception>
    public override Tensor forward(Tensor x)
    {
        Check(x);
        using var scope = NewDisposeScope();
        var h = x;
        using var alpha = Alpha.ToScalar();
        using var one = 1.0.ToScalar();
        for (int k = 0; k < Depth; k++) h = Block(h, k, alpha, one);
        return (ReferenceEquals(h, x) ? x.clone() : h).MoveToOuterDisposeScope();
    }

    /// <summary>All states <c>h_0 … h_L</c>, shape <c>[L+1, n, d]</c> (differentiable).</summary>
    /// <exception cref="ArgumentException">As for <see cref="forward"/>.</exception>
    public Tensor ForwardWithStates(Tensor x)
    {
        Check(x);
        using var scope = NewDisposeScope();
        var states = new List<Tensor>(Depth + 1) { x };
        using var alpha = Alpha.ToScalar();
        using var one = 1.0.ToScalar();
        for (int k = 0; k < Depth; k++) states.Add(Block(states[^1], k, alpha, one));
        return stack(states).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>h + α r_k(h)</c>, evaluated as <c>h + (r_k(h)·α)</c> (the same two roundings as <c>h + r * Alpha</c>). The scalars are
    /// held by the caller for the whole loop: TorchSharp's operator overloads create a temporary <see cref="Scalar"/> whose
    /// only use is its native handle, so the garbage collector may finalize it during the native call (seen once as
    /// "Expected false to be true" from <c>Scalar::toDouble</c> in <c>THSTensor_add</c> after ~10⁶ layer evaluations).
    /// </summary>
    internal Tensor Block(Tensor h, int k, Scalar alpha, Scalar one)
    {
        using var scaled = Branch_(h, k).mul(alpha);
        return h.add(scaled, one);
    }

    /// <summary>The branch <c>r_k</c> of block <c>k</c> (0-based) on row states.</summary>
    internal Tensor Branch_(Tensor h, int k) => Branch switch
    {
        BranchType.Linear => h.matmul(V![k].t()),
        BranchType.PreActivation => Sigma(h).matmul(V![k].t()),
        BranchType.PostActivation => Sigma(h.matmul(W![k].t())),
        _ => Sigma(h.matmul(W![k].t())).matmul(V![k].t()),
    };

    private Tensor Sigma(Tensor z) => Activation switch
    {
        ResidualActivation.Identity => z,
        ResidualActivation.Relu => z.relu(),
        ResidualActivation.Tanh => z.tanh(),
        _ => nn.functional.gelu(z),
    };

    /// <summary>Refuses a batch that is not <c>[n, d]</c>, not the weights' dtype and device, or not finite (naming <paramref name="x"/>).</summary>
    internal void Check(Tensor x)
    {
        Attention.AttentionChecks.NotDisposed(x, nameof(x));
        if (x.dim() != 2 || x.shape[0] < 1 || x.shape[1] != Width)
            throw new ArgumentException($"Expected a batch X of shape [n, {Width}] (rows are samples), got {Attention.AttentionChecks.Shape(x)}.", nameof(x));
        var any = (V ?? W)!;
        Attention.AttentionChecks.SameKind(x, any, nameof(x), "the weights");
        Attention.AttentionChecks.Finite(x, nameof(x));
    }
}
