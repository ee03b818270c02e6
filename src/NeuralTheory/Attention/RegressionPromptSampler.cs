using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// Samples batches of in-context linear-regression tasks on the tensor side (spec 2.9, data models (G), (G⁻¹) and (U)):
/// <c>x_i, x_q ~ N(0, Σ)</c> i.i.d. via a Cholesky factor <c>Σ = L Lᵀ</c> (<c>x = L g</c>), <c>w ~ N(0, τ² I)</c> or
/// <c>w ~ N(0, Σ⁻¹)</c> (<c>w = L⁻ᵀ g′</c>), <c>y = wᵀ x + ε</c>, <c>ε ~ N(0, σ²)</c> — the training distribution of
/// Ahn et al. 2023 (arXiv:2306.00297, rotated <c>Σ = U D² Uᵀ</c>) — or, with <see cref="Uniform"/>, i.i.d. coordinates
/// <c>x_j ~ U(−a, a)</c> and <c>w ~ N(0, τ² I)</c>, the training distribution of von Oswald et al. 2022
/// (arXiv:2212.07677, <c>a = 0.5</c>).
/// </summary>
/// <remarks>
/// Every draw comes from the caller's seeded <see cref="Generator"/> (on the sampler's device), so the same seed gives
/// the same tasks. Order of the draws per batch: inputs <c>(B, N+1, d)</c>, then <c>w</c> <c>(B, d)</c>, then the noise.
/// The constructor keeps the Gaussian default; <see cref="Uniform"/> creates the (U) sampler.
/// </remarks>
public sealed class RegressionPromptSampler : IDisposable
{
    private readonly Tensor? _choleskyT;      // Lᵀ, (d, d): row vectors x = g Lᵀ (Gaussian inputs only)
    private readonly Tensor? _whitenT;        // (L⁻ᵀ)ᵀ = L⁻¹, (d, d): row vectors w = g L⁻¹

    /// <summary>Creates a sampler.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="contextLength"><c>N ≥ 1</c> context examples per prompt.</param>
    /// <param name="covariance">Input covariance <c>Σ</c>, symmetric positive definite <c>d × d</c>; identity when <c>null</c>.</param>
    /// <param name="prior">Prior of <c>w</c>.</param>
    /// <param name="taskVariance"><c>τ² &gt; 0</c> (isotropic prior only).</param>
    /// <param name="noiseVariance"><c>σ² ≥ 0</c>.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range, <c>Σ</c> is not symmetric positive definite, or the device is unavailable.</exception>
    public RegressionPromptSampler(int inputDim, int contextLength, Matrix<double>? covariance = null, TaskPrior prior = TaskPrior.Isotropic,
        double taskVariance = 1.0, double noiseVariance = 0.0, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (inputDim < 1) throw new ArgumentException($"Expected d ≥ 1, got {inputDim}.", nameof(inputDim));
        if (contextLength < 1) throw new ArgumentException($"Expected N ≥ 1 context examples, got {contextLength}.", nameof(contextLength));
        if (!Enum.IsDefined(prior)) throw new ArgumentException($"Unknown task prior {prior}.", nameof(prior));
        if (!double.IsFinite(taskVariance) || taskVariance <= 0)
            throw new ArgumentException($"Expected a finite τ² > 0, got {taskVariance}.", nameof(taskVariance));
        if (!double.IsFinite(noiseVariance) || noiseVariance < 0)
            throw new ArgumentException($"Expected a finite σ² ≥ 0, got {noiseVariance}.", nameof(noiseVariance));
        DtypeCheck.Floating(dtype);
        var sigma = covariance ?? Matrix<double>.Build.DenseIdentity(inputDim);
        if (sigma.RowCount != inputDim || sigma.ColumnCount != inputDim)
            throw new ArgumentException($"Expected Σ of shape (d, d) = ({inputDim}, {inputDim}), got ({sigma.RowCount}, {sigma.ColumnCount}).", nameof(covariance));
        if (sigma.Enumerate().Any(v => !double.IsFinite(v)))
            throw new ArgumentException("Expected Σ with finite entries.", nameof(covariance));
        if (!sigma.IsSymmetric())
            throw new ArgumentException("Expected a symmetric Σ.", nameof(covariance));
        Matrix<double> l;
        try { l = sigma.Cholesky().Factor; }
        catch (ArgumentException) { throw new ArgumentException("Expected a positive definite Σ (the Cholesky factorisation failed).", nameof(covariance)); }
        if (l.Diagonal().Any(v => !(v > 0)))
            throw new ArgumentException("Expected a positive definite Σ (the Cholesky factor has a non-positive diagonal).", nameof(covariance));
        Device = DeviceCheck.Resolve(device, nameof(device));
        InputDim = inputDim;
        ContextLength = contextLength;
        Prior = prior;
        TaskVariance = taskVariance;
        NoiseVariance = noiseVariance;
        DType = dtype;
        Covariance = sigma.Clone();
        InputDistribution = InputDistribution.Gaussian;
        _choleskyT = l.Transpose().ToTensor(dtype, Device);
        _whitenT = prior == TaskPrior.InverseCovariance ? l.Inverse().ToTensor(dtype, Device) : null;
    }

    private RegressionPromptSampler(int inputDim, int contextLength, double halfWidth, double taskVariance, double noiseVariance,
        ScalarType dtype, Device device)
    {
        Device = device;
        InputDim = inputDim;
        ContextLength = contextLength;
        Prior = TaskPrior.Isotropic;
        TaskVariance = taskVariance;
        NoiseVariance = noiseVariance;
        DType = dtype;
        InputDistribution = InputDistribution.Uniform;
        UniformHalfWidth = halfWidth;
        Covariance = Matrix<double>.Build.DenseIdentity(inputDim) * (halfWidth * halfWidth / 3);
    }

    /// <summary>
    /// Creates a sampler of data model (U) (spec 2.9; von Oswald et al. 2022, arXiv:2212.07677): i.i.d. input
    /// coordinates <c>x_j ~ U(−a, a)</c> (covariance <c>(a²/3) I</c>), <c>w ~ N(0, τ² I)</c>, <c>y = wᵀ x + ε</c>,
    /// <c>ε ~ N(0, σ²)</c>. [VO]'s setting is <c>a = 0.5</c>, <c>τ² = 1</c>, <c>σ² = 0</c>, <c>d = N = 10</c>.
    /// </summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="contextLength"><c>N ≥ 1</c> context examples per prompt.</param>
    /// <param name="halfWidth">Half-width <c>a</c>, finite and <c>&gt; 0</c>.</param>
    /// <param name="taskVariance"><c>τ² &gt; 0</c>.</param>
    /// <param name="noiseVariance"><c>σ² ≥ 0</c>.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range (the message names it) or the device is unavailable.</exception>
    public static RegressionPromptSampler Uniform(int inputDim, int contextLength, double halfWidth = 0.5, double taskVariance = 1.0,
        double noiseVariance = 0.0, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (inputDim < 1) throw new ArgumentException($"Expected d ≥ 1, got {inputDim}.", nameof(inputDim));
        if (contextLength < 1) throw new ArgumentException($"Expected N ≥ 1 context examples, got {contextLength}.", nameof(contextLength));
        if (!double.IsFinite(halfWidth) || halfWidth <= 0)
            throw new ArgumentException($"Expected a finite half-width a > 0, got {halfWidth}.", nameof(halfWidth));
        if (!double.IsFinite(taskVariance) || taskVariance <= 0)
            throw new ArgumentException($"Expected a finite τ² > 0, got {taskVariance}.", nameof(taskVariance));
        if (!double.IsFinite(noiseVariance) || noiseVariance < 0)
            throw new ArgumentException($"Expected a finite σ² ≥ 0, got {noiseVariance}.", nameof(noiseVariance));
        DtypeCheck.Floating(dtype);
        return new RegressionPromptSampler(inputDim, contextLength, halfWidth, taskVariance, noiseVariance, dtype,
            DeviceCheck.Resolve(device, nameof(device)));
    }

    /// <summary><c>d</c>.</summary>
    public int InputDim { get; }

    /// <summary><c>N</c>.</summary>
    public int ContextLength { get; }

    /// <summary>Token width of the prompts, <c>d + 1</c>.</summary>
    public int EmbeddingDim => InputDim + 1;

    /// <summary>The input covariance <c>Σ</c> (a copy); <c>(a²/3) I</c> for uniform inputs.</summary>
    public Matrix<double> Covariance { get; }

    /// <summary>The distribution of the inputs: <see cref="Attention.InputDistribution.Gaussian"/> (constructor) or <see cref="Attention.InputDistribution.Uniform"/> (<see cref="Uniform"/>).</summary>
    public InputDistribution InputDistribution { get; }

    /// <summary>Half-width <c>a</c> of uniform inputs <c>U(−a, a)</c>; <c>NaN</c> for Gaussian inputs.</summary>
    public double UniformHalfWidth { get; } = double.NaN;

    /// <summary>The prior of <c>w</c>.</summary>
    public TaskPrior Prior { get; }

    /// <summary><c>τ²</c>.</summary>
    public double TaskVariance { get; }

    /// <summary><c>σ²</c>.</summary>
    public double NoiseVariance { get; }

    /// <summary>Dtype of the sampled tensors.</summary>
    public ScalarType DType { get; }

    /// <summary>Device of the sampled tensors.</summary>
    public Device Device { get; }

    /// <summary>Draws <paramref name="batchSize"/> independent tasks and their prompts.</summary>
    /// <param name="batchSize"><c>B ≥ 1</c>.</param>
    /// <param name="generator">Seeded generator on <see cref="Device"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="batchSize"/> &lt; 1.</exception>
    public RegressionPromptBatch Sample(int batchSize, Generator generator)
    {
        if (batchSize < 1) throw new ArgumentException($"Expected B ≥ 1, got {batchSize}.", nameof(batchSize));
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        int d = InputDim, n = ContextLength;
        var xs = _choleskyT is null
            ? rand([batchSize, n + 1, d], DType, Device, generator: generator).Affine(2 * UniformHalfWidth, -UniformHalfWidth)  // U(−a, a)
            : randn([batchSize, n + 1, d], DType, Device, generator: generator).matmul(_choleskyT);                     // rows ~ N(0, Σ)
        var gw = randn([batchSize, d], DType, Device, generator: generator);
        var w = _whitenT is null ? gw.Times(Math.Sqrt(TaskVariance)) : gw.matmul(_whitenT);   // (B, d)
        var ys = xs.matmul(w.unsqueeze(-1));                                            // (B, N+1, 1)
        if (NoiseVariance > 0)
            ys = ys.Plus(randn([batchSize, n + 1, 1], DType, Device, generator: generator).Times(Math.Sqrt(NoiseVariance)));
        var x = xs.narrow(1, 0, n).contiguous();
        var y = ys.narrow(1, 0, n).contiguous();
        var xq = xs.select(1, n).contiguous();
        var yq = ys.select(1, n).contiguous();
        var prompt = PromptBuilder.BuildCore(x, y, xq, null, 0);
        return new RegressionPromptBatch(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), xq.MoveToOuterDisposeScope(),
            yq.MoveToOuterDisposeScope(), w.MoveToOuterDisposeScope(), prompt.MoveToOuterDisposeScope());
    }

    /// <summary>Disposes the sampler's factor tensors.</summary>
    public void Dispose()
    {
        _choleskyT?.Dispose();
        _whitenT?.Dispose();
    }
}
