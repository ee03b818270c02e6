using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Common;

namespace NeuralTheory.Numerics.Regression;

/// <summary>The data models of spec 2.9.</summary>
public enum RegressionDataModel
{
    /// <summary>(G): <c>x ~ N(0, Σ)</c>, <c>w ~ N(0, τ² I)</c>, <c>y = wᵀx + ε</c>, <c>ε ~ N(0, σ²)</c> ([VO], [MA], [AK]).</summary>
    Gaussian,

    /// <summary>(G⁻¹): <c>x ~ N(0, Σ)</c>, <c>w ~ N(0, τ² Σ⁻¹)</c> ([AH]'s code; <c>τ² = 1</c> there).</summary>
    GaussianWhitenedTask,

    /// <summary>(U): i.i.d. coordinates <c>x_j ~ U(−a, a)</c>, <c>w ~ N(0, τ² I)</c> ([VO]'s code, <c>a = 0.5</c>).</summary>
    Uniform,
}

/// <summary>
/// Settings of a regression-prompt distribution (spec 2.9). Defaults: (G), <c>Σ = I</c>, <c>τ² = 1</c>, <c>σ² = 0</c>,
/// <c>o = 1</c>, <c>a = 0.5</c>.
/// </summary>
/// <param name="InputDimension">Input dimension <c>d ≥ 1</c>.</param>
/// <param name="ContextLength">Number of context examples <c>N ≥ 1</c>.</param>
public sealed record RegressionTaskOptions(int InputDimension, int ContextLength)
{
    /// <summary>Which data model draws the inputs and the task.</summary>
    public RegressionDataModel Model { get; init; } = RegressionDataModel.Gaussian;

    /// <summary>Input covariance <c>Σ</c> (d×d, symmetric positive definite) for (G) and (G⁻¹); <c>null</c> means <c>I</c>. Must be <c>null</c> for (U).</summary>
    public Matrix<double>? Covariance { get; init; }

    /// <summary>Task variance <c>τ² &gt; 0</c>: <c>w ~ N(0, τ² I)</c> under (G)/(U), <c>N(0, τ² Σ⁻¹)</c> under (G⁻¹).</summary>
    public double TaskVariance { get; init; } = 1.0;

    /// <summary>Label-noise variance <c>σ² ≥ 0</c> on every context and query target.</summary>
    public double NoiseVariance { get; init; }

    /// <summary>Output dimension <c>o ≥ 1</c> (every row of <c>W ∈ R^{o×d}</c> is drawn independently).</summary>
    public int OutputDimension { get; init; } = 1;

    /// <summary>Half-width <c>a &gt; 0</c> of the uniform inputs under (U).</summary>
    public double UniformHalfWidth { get; init; } = 0.5;
}

/// <summary>
/// Seeded generator of in-context regression prompts (spec 2.9): draws <c>W</c>, the <c>N</c> context pairs
/// <c>(x_i, y_i = W x_i + ε_i)</c> and the query pair <c>(x_q, y_q = W x_q + ε_q)</c>. Gaussian inputs are
/// <c>x = L g</c> with <c>Σ = L Lᵀ</c> (Cholesky) and <c>g ~ N(0, I)</c>; the whitened task is <c>w = τ L⁻ᵀ g'</c>,
/// so <c>Cov(w) = τ² Σ⁻¹</c> (as in the code of Ahn et al. 2023, arXiv:2306.00297); uniform inputs follow von
/// Oswald et al. 2022 (arXiv:2212.07677). The same seed and options give the same prompts on every machine.
/// </summary>
public sealed class RegressionTasks
{
    private readonly RegressionTaskOptions _options;
    private readonly SeededRandom _random;
    private readonly Matrix<double>? _lower;

    /// <summary>Creates a generator; validates the options (Section 8).</summary>
    /// <exception cref="ArgumentException">An option is out of range, or <c>Σ</c> is not d×d symmetric positive definite.</exception>
    public RegressionTasks(RegressionTaskOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate.AtLeastOne(options.InputDimension, "options.InputDimension");
        Validate.AtLeastOne(options.ContextLength, "options.ContextLength");
        Validate.AtLeastOne(options.OutputDimension, "options.OutputDimension");
        Validate.Positive(options.TaskVariance, "options.TaskVariance");
        Validate.NonNegative(options.NoiseVariance, "options.NoiseVariance");
        if (!Enum.IsDefined(options.Model))
            throw new ArgumentOutOfRangeException("options.Model", options.Model, "Unknown data model.");
        if (options.Model == RegressionDataModel.Uniform)
        {
            Validate.Positive(options.UniformHalfWidth, "options.UniformHalfWidth");
            if (options.Covariance is not null)
                throw new ArgumentException("options.Covariance must be null for the uniform data model (its covariance is (a²/3) I).", "options.Covariance");
        }
        else if (options.Covariance is not null)
        {
            _lower = Validate.Spd(options.Covariance, "options.Covariance", options.InputDimension).Factor;
        }
        _options = options;
        _random = new SeededRandom(seed);
        Seed = seed;
    }

    /// <summary>The seed this generator was created with.</summary>
    public int Seed { get; }

    /// <summary>The distribution this generator draws from.</summary>
    public RegressionTaskOptions Options => _options;

    /// <summary>Draws <paramref name="count"/> tasks with a fresh generator seeded by <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or <paramref name="count"/> &lt; 0.</exception>
    public static IReadOnlyList<RegressionTask> Sample(RegressionTaskOptions options, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var generator = new RegressionTasks(options, seed);
        var tasks = new RegressionTask[count];
        for (int m = 0; m < count; m++) tasks[m] = generator.Next();
        return tasks;
    }

    /// <summary>Draws the next task: first <c>W</c> (o×d), then the N context inputs, the query input, then the noise.</summary>
    public RegressionTask Next()
    {
        int d = _options.InputDimension, n = _options.ContextLength, o = _options.OutputDimension;
        var w = DrawTask(d, o);
        var x = Matrix<double>.Build.Dense(n, d);
        for (int i = 0; i < n; i++) x.SetRow(i, DrawInput(d));
        var xq = DrawInput(d);
        var y = x * w.Transpose();
        var yq = w * xq;
        double noise = Math.Sqrt(_options.NoiseVariance);
        if (noise > 0)
        {
            y += _random.GaussianMatrix(n, o, noise);
            yq += _random.GaussianVector(o, noise);
        }
        return new RegressionTask(x, y, xq, yq);
    }

    private Matrix<double> DrawTask(int d, int o)
    {
        double tau = Math.Sqrt(_options.TaskVariance);
        var w = _random.GaussianMatrix(o, d, tau);
        if (_options.Model == RegressionDataModel.GaussianWhitenedTask && _lower is not null)
        {
            // Row r: w_r = L⁻ᵀ g_r, i.e. solve Lᵀ w_r = g_r, so Cov(w_r) = (L Lᵀ)⁻¹ τ² = τ² Σ⁻¹.
            var lt = _lower.Transpose();
            for (int r = 0; r < o; r++) w.SetRow(r, lt.Solve(w.Row(r)));
        }
        return w;
    }

    private Vector<double> DrawInput(int d)
    {
        if (_options.Model == RegressionDataModel.Uniform)
        {
            double a = _options.UniformHalfWidth;
            return Vector<double>.Build.Dense(d, _ => a * (2 * _random.NextUniform() - 1));
        }
        var g = _random.GaussianVector(d);
        return _lower is null ? g : _lower * g;
    }
}
