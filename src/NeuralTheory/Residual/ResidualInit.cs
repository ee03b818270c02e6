using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Residual;

/// <summary>
/// Initialisation families of a residual weight stack <c>Z ∈ ℝ^{L×a×b}</c> (spec residual-scaling 4.2; Marion, Fermanian, Biau,
/// Vert 2022, arXiv:2206.06929, Sec. 4–5): every entry has mean 0 and variance <c>1/fan_in</c> (<c>fan_in = b</c>) unless stated, and
/// the families differ in their regularity in the layer index <c>k</c> (time <c>t_k = (k−1)/L</c>). Draws come only from the given
/// <see cref="Generator"/> (CPU, float64), then are cast.
/// </summary>
public abstract record ResidualInit
{
    private ResidualInit() { }

    /// <summary>I.i.d. Gaussian <c>scale · N(0, 1)/√fan_in</c> (white noise in <c>k</c>; the library default).</summary>
    /// <param name="scale">Finite, &gt; 0.</param>
    public static ResidualInit IidGaussian(double scale = 1) => new Iid(Positive(scale, nameof(scale)), Uniform: false);

    /// <summary>I.i.d. uniform on <c>[−a, a]</c>, <c>a = scale·√(3/fan_in)</c> (the [SCALE] code's default).</summary>
    /// <param name="scale">Finite, &gt; 0.</param>
    public static ResidualInit IidUniform(double scale = 1) => new Iid(Positive(scale, nameof(scale)), Uniform: true);

    /// <summary>All layers zero.</summary>
    public static ResidualInit Zeros { get; } = new ZeroInit();

    /// <summary>All layers equal to one i.i.d. Gaussian draw (weight tying; Lipschitz 0 in <c>k</c>).</summary>
    public static ResidualInit Tied { get; } = new TiedInit();

    /// <summary>
    /// <c>Z_k = (1/√fan_in)(1/√J) Σ_{j=1..J} [a_j cos(2πj t_k) + b_j sin(2πj t_k)]</c> with <c>a, b</c> i.i.d. <c>N(0, 1)</c>: smooth in
    /// <c>t</c>, marginal variance exactly <c>1/fan_in</c>; the draws do not depend on <c>L</c>, so layer <c>k</c> of depth <c>L</c> equals layer
    /// <c>2k − 1</c> of depth <c>2L</c>.
    /// </summary>
    /// <param name="frequencies"><c>J ≥ 1</c>.</param>
    public static ResidualInit SmoothSines(int frequencies = 4) =>
        frequencies >= 1 ? new Sines(frequencies) : throw new ArgumentException($"Expected J ≥ 1 frequencies, got {frequencies}.", nameof(frequencies));

    /// <summary><c>Z_k = B(t_k)/√fan_in</c> for a standard Brownian motion with <c>B(0) = 0</c> (Hölder-½ in <c>t</c>; layer 1 is zero).</summary>
    public static ResidualInit BrownianPath { get; } = new Brownian();

    /// <summary>
    /// Stationary fractional Gaussian noise with Hurst index <c>H ∈ (0, 1)</c> in <c>k</c>, unit variance, autocovariance
    /// <c>γ(n) = ½(|n+1|^{2H} − 2|n|^{2H} + |n−1|^{2H})</c>, divided by <c>√fan_in</c> (Cholesky of the Toeplitz matrix; <c>H = ½</c> is i.i.d.).
    /// </summary>
    /// <param name="hurst"><c>H ∈ (0, 1)</c>.</param>
    public static ResidualInit FractionalGaussianNoise(double hurst) =>
        double.IsFinite(hurst) && hurst > 0 && hurst < 1 ? new Fgn(hurst) : throw new ArgumentException($"Expected a Hurst index in (0, 1), got {hurst}.", nameof(hurst));

    /// <summary>A centred Gaussian process in <c>t</c> with kernel <c>exp(−(s−t)²/(2ℓ²))</c>, divided by <c>√fan_in</c> (symmetric eigen-factor, not Cholesky).</summary>
    /// <param name="lengthscale"><c>ℓ &gt; 0</c> (default 0.1, the [GEN] code's).</param>
    public static ResidualInit RbfGP(double lengthscale = 0.1) => new Rbf(Positive(lengthscale, nameof(lengthscale)));

    /// <summary>Samples a stack <c>[L, rows, columns]</c> (fan_in = columns).</summary>
    /// <param name="depth"><c>L ≥ 1</c>.</param>
    /// <param name="rows">Rows of each layer's matrix.</param>
    /// <param name="columns">Columns (the fan-in).</param>
    /// <param name="generator">A CPU generator (seeded by the caller).</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public Tensor Sample(int depth, int rows, int columns, Generator generator, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (depth < 1) throw new ArgumentException($"Expected L ≥ 1, got {depth}.", nameof(depth));
        if (rows < 1 || columns < 1) throw new ArgumentException($"Expected positive matrix sizes, got {rows} × {columns}.", rows < 1 ? nameof(rows) : nameof(columns));
        NeuralTheory.Bridge.DtypeCheck.Floating(dtype);
        var target = NeuralTheory.Bridge.DeviceCheck.Resolve(device, nameof(device));
        using var scope = NewDisposeScope();
        var z = Draw(depth, rows, columns, generator) / Math.Sqrt(columns);
        return z.to(dtype, target).MoveToOuterDisposeScope();
    }

    /// <summary>Unit-variance draw of shape <c>[L, rows, columns]</c> in float64 on the CPU.</summary>
    private protected abstract Tensor Draw(int depth, int rows, int columns, Generator g);

    private static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentException($"Expected a finite value > 0, got {value}.", name);

    private static double Time(int k, int depth) => k / (double)depth;   // t of 0-based layer k = (k_1based − 1)/L

    private sealed record Iid(double Scale, bool Uniform) : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g) => Uniform
            ? (rand([depth, rows, columns], ScalarType.Float64, generator: g) * 2 - 1) * (Scale * Math.Sqrt(3))
            : randn([depth, rows, columns], ScalarType.Float64, generator: g) * Scale;
    }

    private sealed record ZeroInit : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g) => zeros(depth, rows, columns, ScalarType.Float64);
    }

    private sealed record TiedInit : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g) =>
            randn([1, rows, columns], ScalarType.Float64, generator: g).expand(depth, rows, columns).contiguous();
    }

    private sealed record Sines(int J) : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g)
        {
            var a = randn([rows, columns, J], ScalarType.Float64, generator: g);
            var b = randn([rows, columns, J], ScalarType.Float64, generator: g);
            var layers = new Tensor[depth];
            for (int k = 0; k < depth; k++)
            {
                double t = Time(k, depth);
                var cos_ = tensor(Enumerable.Range(1, J).Select(j => Math.Cos(2 * Math.PI * j * t)).ToArray(), ScalarType.Float64);
                var sin_ = tensor(Enumerable.Range(1, J).Select(j => Math.Sin(2 * Math.PI * j * t)).ToArray(), ScalarType.Float64);
                layers[k] = (a * cos_ + b * sin_).sum([-1]) / Math.Sqrt(J);
            }
            return stack(layers);
        }
    }

    private sealed record Brownian : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g)
        {
            var increments = randn([depth, rows, columns], ScalarType.Float64, generator: g) / Math.Sqrt(depth);
            var path = increments.cumsum(0);                                                       // B(t_1), …, B(t_L)
            return cat([zeros(1, rows, columns, ScalarType.Float64), path.narrow(0, 0, depth - 1)]);  // layer k uses B(t_{k−1}), B(0) = 0
        }
    }

    private sealed record Fgn(double Hurst) : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g)
        {
            double Gamma(int n) => 0.5 * (Math.Pow(Math.Abs(n + 1), 2 * Hurst) - 2 * Math.Pow(Math.Abs(n), 2 * Hurst) + Math.Pow(Math.Abs(n - 1), 2 * Hurst));
            var values = new double[depth * depth];
            for (int i = 0; i < depth; i++)
                for (int j = 0; j < depth; j++)
                    values[i * depth + j] = Gamma(Math.Abs(i - j)) + (i == j ? 1e-12 : 0);
            var factor = linalg.cholesky(tensor(values, [depth, depth], ScalarType.Float64));
            var noise = randn([depth, rows * columns], ScalarType.Float64, generator: g);
            return factor.matmul(noise).reshape(depth, rows, columns);
        }
    }

    private sealed record Rbf(double Lengthscale) : ResidualInit
    {
        private protected override Tensor Draw(int depth, int rows, int columns, Generator g)
        {
            var values = new double[depth * depth];
            for (int i = 0; i < depth; i++)
                for (int j = 0; j < depth; j++)
                {
                    double diff = Time(i, depth) - Time(j, depth);
                    values[i * depth + j] = Math.Exp(-diff * diff / (2 * Lengthscale * Lengthscale));
                }
            var (lambda, q) = linalg.eigh(tensor(values, [depth, depth], ScalarType.Float64));
            var factor = q * lambda.clamp_min(0).sqrt();
            var noise = randn([depth, rows * columns], ScalarType.Float64, generator: g);
            return factor.matmul(noise).reshape(depth, rows, columns);
        }
    }
}
