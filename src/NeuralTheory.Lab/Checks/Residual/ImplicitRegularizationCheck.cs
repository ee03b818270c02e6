using NeuralTheory.Numerics.Residual;
using NeuralTheory.Residual;
using static NeuralTheory.Lab.Checks.Residual.ResidualCheckSupport;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Residual;

/// <summary>
/// <c>residual.implicit-regularization</c> (spec residual-scaling 6.5 E4, at reduced depth): a TwoLayer GELU ResNet with
/// <c>α = 1/L</c> (d = 16, m = 32, float64) initialised as the discretisation of a neural ODE — <c>V = 0</c>, <c>W</c> tied to one
/// <c>N(0, 1)</c> matrix — and trained by full-batch gradient descent (<see cref="ResidualTraining"/>, <c>η = 0.01·L</c>, 50
/// steps, squared loss on n = 100 Gaussian pairs fixed across L) stays smooth in the layer index:
/// <c>D_L = max_{t ≤ 50, k} max(‖V_{k+1} − V_k‖_F, ‖W_{k+1} − W_k‖_F)</c> decays like <c>1/L</c>, i.e. the spec's measure <c>L·D_L</c>
/// (the discrete Lipschitz constant in layer time) stays bounded. Marion, Wu, Sander &amp; Biau, <i>Implicit regularization of deep
/// residual networks towards neural ODEs</i> (arXiv:2309.01213, ICLR 2024).
/// </summary>
/// <remarks>
/// Spec criteria, with its depths {16, …, 1024} reduced to {16, 32, 64} so the check runs in seconds: the slope of log D_L on
/// log L over L ≥ 16 lies in [−1.05, −0.95]; L·D_L at the two largest depths agree within 2%; their loss curves agree within
/// 0.5% at every iteration; and the control (i.i.d. init, V ~ N(0, 1/m), W ~ N(0, 1), same data and optimiser) does not
/// decrease: D_64/D_16 &gt; 0.5. The last D of every run is recomputed by the MathNet <see cref="WeightSmoothness"/> oracle.
/// </remarks>
public sealed class ImplicitRegularizationCheck : Check
{
    internal static readonly int[] Depths = [8, 16, 32, 64];
    internal const int Width = 16, Inner = 32, Samples = 100, Steps = 50, FitFrom = 16;
    internal const double RateFactor = 0.01, SlopeTolerance = 0.05, LipschitzAgreement = 0.02, LossAgreement = 0.005, ControlFloor = 0.5;

    /// <inheritdoc />
    public override string Id => "residual.implicit-regularization";

    /// <inheritdoc />
    public override string Claim =>
        "TwoLayer GELU ResNet, alpha = 1/L, d = 16, m = 32, V = 0 and W tied (a discretised neural ODE), full-batch GD with lr 0.01 L for 50 steps: " +
        "D_L = max over steps and k of the Frobenius layer difference decays like 1/L, so L D_L stays bounded: slope of log D_L on log L over L = 16..64 = -1, " +
        "tolerance 0.05; also L D_L at L = 32, 64 within 2%, loss curves within 0.5%, and the i.i.d. control's D does not decrease (D_64/D_16 > 0.5) (spec 6.5 E4).";

    /// <inheritdoc />
    public override string Source =>
        "Marion, Wu, Sander & Biau, Implicit regularization of deep residual networks towards neural ODEs, arXiv:2309.01213 (ICLR 2024); spec residual-scaling 6.5 E4";

    /// <summary>One training run.</summary>
    /// <param name="Depth">L.</param>
    /// <param name="MaxDifference">D_L: the maximum over t = 0..steps of the largest Frobenius layer difference of V and W.</param>
    /// <param name="Losses">Losses before each step.</param>
    /// <param name="OracleMismatch">Relative difference between the final max difference by the library and by <see cref="WeightSmoothness"/>.</param>
    /// <param name="Differences">The largest Frobenius layer difference after each step t = 0..steps.</param>
    /// <param name="FinalV">Entries (i, i) of the final <c>V_k</c>, i = 0, 1, 2, as functions of k (for the weights figure).</param>
    internal sealed record TrainingRun(int Depth, double MaxDifference, double[] Losses, double OracleMismatch, double[] Differences, double[][] FinalV);

    /// <summary>Trains one network of depth <paramref name="depth"/>; data and <c>W0</c> depend only on <paramref name="seed"/>.</summary>
    /// <param name="depth">L.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="smooth">True: V = 0, W tied (the ODE init); false: the i.i.d. control.</param>
    /// <param name="steps">Gradient steps.</param>
    /// <param name="rateExponent">η = 0.01·L^rateExponent (1 in the check: the depth-consistent time scale).</param>
    internal static TrainingRun Train(int depth, int seed, bool smooth, int steps = Steps, double rateExponent = 1)
    {
        using var scope = NewDisposeScope();
        using var data = new TorchSharp.torch.Generator((ulong)(9_000_000L + seed), CPU);
        var x = randn([Samples, Width], ScalarType.Float64, generator: data);
        var y = randn([Samples, Width], ScalarType.Float64, generator: data);
        var w0 = randn([Inner, Width], ScalarType.Float64, generator: data);
        Tensor v, w;
        if (smooth)
        {
            v = zeros(depth, Width, Inner, ScalarType.Float64);
            w = w0.expand(depth, Inner, Width).contiguous();
        }
        else
        {
            using var g = new TorchSharp.torch.Generator((ulong)(9_500_000L + 1000L * seed + depth), CPU);
            v = randn([depth, Width, Inner], ScalarType.Float64, generator: g) / Math.Sqrt(Inner);
            w = randn([depth, Inner, Width], ScalarType.Float64, generator: g);
        }
        using var net = ResidualNetwork.FromWeights(v, w, BranchType.TwoLayer, ResidualActivation.Gelu, ResidualScaling.Explicit(1.0 / depth));
        double Largest() => Math.Max(ResidualDiagnostics.Regularity(net.V!).Lipschitz, ResidualDiagnostics.Regularity(net.W!).Lipschitz) / depth;
        var history = new List<double> { Largest() };
        var losses = ResidualTraining.GradientDescent(net, x, y, RateFactor * Math.Pow(depth, rateExponent), steps, _ => history.Add(Largest()));
        double library = history[^1];
        double oracle = Math.Max(WeightSmoothness.Of(Matrices(net.V!), MatrixNorm.Frobenius).MaxDiff, WeightSmoothness.Of(Matrices(net.W!), MatrixNorm.Frobenius).MaxDiff);
        double mismatch = oracle == 0 ? library : Math.Abs(library - oracle) / oracle;
        var finalV = Enumerable.Range(0, 3).Select(i => net.V!.detach().select(1, i).select(1, i).contiguous().data<double>().ToArray()).ToArray();
        return new TrainingRun(depth, history.Max(), losses, mismatch, history.ToArray(), finalV);
    }

    /// <summary>The check's runs and verdict parts.</summary>
    internal sealed record Outcome(TrainingRun[] Smooth, TrainingRun[] Control, double Slope, double LipschitzGap, double LossGap, double ControlRatio, double OracleMismatch)
    {
        /// <summary>All criteria other than the slope.</summary>
        public bool OthersPass => LipschitzGap <= LipschitzAgreement && LossGap <= LossAgreement && ControlRatio > ControlFloor && OracleMismatch <= 1e-12;
    }

    /// <summary>Runs the smooth family at every depth and the control at the smallest and largest fitted depth.</summary>
    internal static Outcome Measure(int seed, double rateExponent = 1)
    {
        var smooth = Depths.Select(l => Train(l, seed, smooth: true, rateExponent: rateExponent)).ToArray();
        var control = new[] { Train(FitFrom, seed, smooth: false, rateExponent: rateExponent), Train(Depths[^1], seed, smooth: false, rateExponent: rateExponent) };
        var fit = smooth.Where(r => r.Depth >= FitFrom).ToArray();
        double slope = Slope(fit.Select(r => Math.Log(r.Depth)).ToArray(), fit.Select(r => Math.Log(r.MaxDifference)).ToArray());
        TrainingRun a = smooth[^2], b = smooth[^1];
        double lipschitzGap = Math.Abs(a.Depth * a.MaxDifference / (b.Depth * b.MaxDifference) - 1);
        double lossGap = a.Losses.Zip(b.Losses, (p, q) => Math.Abs(p - q) / q).Max();
        double controlRatio = control[1].MaxDifference / control[0].MaxDifference;
        double oracle = smooth.Concat(control).Max(r => r.OracleMismatch);
        return new Outcome(smooth, control, slope, lipschitzGap, lossGap, controlRatio, oracle);
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = TorchThreads.Single(() => Measure(context.Seed));
        double[] ls = o.Smooth.Select(r => (double)r.Depth).ToArray();
        var plot = Ode.OdeCheckSupport.LogLog("Training from a neural-ODE init (alpha = 1/L, lr 0.01 L, 50 GD steps)", "depth L", "D_L = max_t,k ||Z_k+1 - Z_k||_F",
            (Inv($"V = 0, W tied (slope {o.Slope:F3})"), ls, o.Smooth.Select(r => r.MaxDifference).ToArray()),
            ("i.i.d. control", o.Control.Select(r => (double)r.Depth).ToArray(), o.Control.Select(r => r.MaxDifference).ToArray()),
            ("slope -1", ls, ls.Select(l => o.Smooth[^1].MaxDifference * Depths[^1] / l).ToArray()));
        string figure = context.SaveFigure(plot, Id);
        string note = string.Join(", ", o.Smooth.Select(r => Inv($"L {r.Depth}: D_L {r.MaxDifference:E4}, L D_L {r.Depth * r.MaxDifference:F4}, loss {r.Losses[0]:F4} -> {r.Losses[^1]:F4}"))) +
            Inv($". L D_L gap {o.LipschitzGap:E2} (<= 0.02), max loss-curve gap {o.LossGap:E2} (<= 0.005), control D: L {o.Control[0].Depth} {o.Control[0].MaxDifference:F3}, L {o.Control[1].Depth} {o.Control[1].MaxDifference:F3}, ratio {o.ControlRatio:F3} (> 0.5); ") +
            Inv($"library vs MathNet WeightSmoothness on the final stacks {o.OracleMismatch:E1} relative.");
        var result = CheckResult.Within(o.Slope, -1, SlopeTolerance, note);
        return result with { Passed = result.Passed && o.OthersPass, FigurePath = figure };
    }
}
