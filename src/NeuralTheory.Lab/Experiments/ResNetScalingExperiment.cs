using NeuralTheory.Lab.Checks;
using System.Globalization;
using System.Text;
using NeuralTheory.Lab.Checks.Residual;
using NeuralTheory.Residual;
using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Experiments;

/// <summary>
/// <c>reproduce resnet-scaling</c>: (1) the regularity–scaling phase diagram of Marion, Fermanian, Biau &amp; Vert,
/// <i>Scaling ResNets in the Large-depth Regime</i> (arXiv:2206.06929, Figs. 6–7; spec residual-scaling 6.4 E3): the median
/// over trials of <c>log10(‖h_L − h_0‖/‖h_0‖)</c> for a TwoLayer ReLU ResNet whose <c>V</c> and <c>W</c> are independent
/// fractional-Gaussian-noise stacks of Hurst index H, over (β, H) at two depths; (2) the training experiment of Marion, Wu,
/// Sander &amp; Biau, <i>Implicit regularization of deep residual networks towards neural ODEs</i> (arXiv:2309.01213, Fig. 1;
/// spec 6.5 E4): GD from a neural-ODE initialisation keeps <c>max_k ‖Z_{k+1} − Z_k‖_F ∝ 1/L</c>, an i.i.d. initialisation does not.
/// </summary>
public sealed class ResNetScalingExperiment : IExperiment
{
    /// <summary>The registry's instance (<see cref="ResNetScalingSettings.Full"/>).</summary>
    public ResNetScalingExperiment() : this(ResNetScalingSettings.Full) { }

    /// <summary>An instance with explicit settings (tests use <see cref="ResNetScalingSettings.Tiny"/>).</summary>
    /// <exception cref="ArgumentException">A size is not positive or a list is empty.</exception>
    public ResNetScalingExperiment(ResNetScalingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.PhaseWidth < 1 || settings.PhaseTrials < 1 || settings.PhaseInputs < 1 || settings.TrainingSteps < 1
            || settings.PhaseDepths.Count == 0 || settings.Hursts.Count == 0 || settings.Betas.Count == 0 || settings.TrainingDepths.Count < 2
            || settings.PhaseDepths.Any(l => l < 1) || settings.TrainingDepths.Any(l => l < 2) || settings.Hursts.Any(h => !(h > 0 && h < 1)))
            throw new ArgumentException("Positive sizes, non-empty grids, H in (0, 1), phase depths >= 1 and at least two training depths >= 2 are required.", nameof(settings));
        Settings = settings;
    }

    /// <summary>The settings.</summary>
    public ResNetScalingSettings Settings { get; }

    /// <inheritdoc />
    public string Name => "resnet-scaling";

    /// <inheritdoc />
    public string Description =>
        "Deep ResNets with alpha = L^-beta: phase diagram over (beta, Hurst index) of log10 ||h_L - h_0||/||h_0|| (Marion et al. 2022, arXiv:2206.06929, Figs. 6-7) " +
        "and GD from a neural-ODE init staying smooth in depth (Marion et al. 2023, arXiv:2309.01213, Fig. 1); spec residual-scaling 6.4-6.5.";

    /// <summary>One phase-diagram cell.</summary>
    internal sealed record PhaseCell(int Depth, double Hurst, double Beta, double Median, double Q10, double Q90);

    /// <inheritdoc />
    public void Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cells = TorchThreads.Single(() => Phase(context));
        WritePhase(context, cells);
        var training = TorchThreads.Single(() => Training(context));
        WriteTraining(context, training, cells);
        context.Report(1, "done");
    }

    private List<PhaseCell> Phase(ExperimentContext context)
    {
        var s = Settings;
        var cells = new List<PhaseCell>();
        int total = s.PhaseDepths.Count * s.Hursts.Count, done = 0;
        foreach (int depth in s.PhaseDepths)
            foreach (double hurst in s.Hursts)
            {
                var values = s.Betas.Select(_ => new List<double>()).ToArray();
                for (int t = 0; t < s.PhaseTrials; t++)
                {
                    using var scope = NewDisposeScope();
                    long seed = 1_000_003L * context.Seed + 10_007L * depth + 101L * (long)Math.Round(hurst * 1000) + t;
                    using var first = ResidualNetwork.Create(depth, s.PhaseWidth, BranchType.TwoLayer, ResidualActivation.Relu,
                        ResidualInit.FractionalGaussianNoise(hurst), ResidualScaling.Power(s.Betas[0]), seed: seed);
                    using var g = new Generator((ulong)(seed + 1), CPU);
                    var x = randn([s.PhaseInputs, s.PhaseWidth], ScalarType.Float64, generator: g);
                    for (int b = 0; b < s.Betas.Count; b++)
                    {
                        using var net = b == 0 ? null : ResidualNetwork.FromWeights(first.V, first.W, BranchType.TwoLayer, ResidualActivation.Relu, ResidualScaling.Power(s.Betas[b]));
                        using var noGrad = no_grad();
                        var h = (net ?? first).forward(x);
                        // Overflow (spec 8): a non-finite h_L is reported as +infinity, never NaN.
                        var change = ((h - x).norm(-1, false) / x.norm(-1, false)).data<double>().ToArray();
                        values[b].AddRange(change.Select(c => double.IsFinite(c) ? Math.Log10(c) : double.PositiveInfinity));
                    }
                }
                for (int b = 0; b < s.Betas.Count; b++)
                {
                    var sorted = values[b].Order().ToArray();
                    cells.Add(new PhaseCell(depth, hurst, s.Betas[b], ResidualCheckSupport.Median(sorted), Quantile(sorted, 0.1), Quantile(sorted, 0.9)));
                }
                context.Report(0.5 * ++done / total, Inv($"phase diagram: L = {depth}, H = {hurst}"));
            }
        return cells;
    }

    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(position), hi = (int)Math.Ceiling(position);
        if (double.IsPositiveInfinity(sorted[hi])) return sorted[hi];
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The smooth and control training runs per depth.</summary>
    internal sealed record TrainingResult(ImplicitRegularizationCheck.TrainingRun[] Smooth, ImplicitRegularizationCheck.TrainingRun[] Control);

    private TrainingResult Training(ExperimentContext context)
    {
        var s = Settings;
        var smooth = new List<ImplicitRegularizationCheck.TrainingRun>();
        var control = new List<ImplicitRegularizationCheck.TrainingRun>();
        var controlDepths = ControlDepths();
        int total = s.TrainingDepths.Count + controlDepths.Length, done = 0;
        foreach (int depth in s.TrainingDepths)
        {
            smooth.Add(ImplicitRegularizationCheck.Train(depth, context.Seed, smooth: true, steps: s.TrainingSteps));
            context.Report(0.5 + 0.5 * ++done / total, Inv($"training from the ODE init: L = {depth}"));
        }
        foreach (int depth in controlDepths)
        {
            control.Add(ImplicitRegularizationCheck.Train(depth, context.Seed, smooth: false, steps: s.TrainingSteps));
            context.Report(0.5 + 0.5 * ++done / total, Inv($"training from i.i.d. init: L = {depth}"));
        }
        return new TrainingResult(smooth.ToArray(), control.ToArray());
    }

    private int[] ControlDepths()
    {
        var fit = Settings.TrainingDepths.Where(l => l >= 16).DefaultIfEmpty(Settings.TrainingDepths[0]).ToArray();
        return new[] { fit[0], Settings.TrainingDepths[^1] }.Distinct().ToArray();
    }

    private void WritePhase(ExperimentContext context, List<PhaseCell> cells)
    {
        var csv = new StringBuilder("L,hurst,beta,median_log10_rel_change,q10,q90\n");
        foreach (var c in cells) csv.AppendLine(Inv($"{c.Depth},{c.Hurst:R},{c.Beta:R},{c.Median:R},{c.Q10:R},{c.Q90:R}"));
        context.WriteText("resnet-scaling-phase.csv", csv.ToString());
        foreach (int depth in Settings.PhaseDepths)
            context.SaveFigure(HeatMap(cells.Where(c => c.Depth == depth).ToList(), depth), Inv($"resnet-scaling-phase-L{depth}"));
    }

    private Plot HeatMap(List<PhaseCell> cells, int depth)
    {
        var s = Settings;
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.MellowRainbow();
        var range = new ScottPlot.Range(-1, 1);   // [SCALE]'s colour scale: clipped to [-1, 1], centre 0
        for (int i = 0; i < s.Hursts.Count; i++)
            for (int j = 0; j < s.Betas.Count; j++)
            {
                var c = cells.Single(x => x.Hurst == s.Hursts[i] && x.Beta == s.Betas[j]);
                var rect = plot.Add.Rectangle(j, j + 1, i, i + 1);
                rect.FillColor = colormap.GetColor(Math.Clamp(double.IsFinite(c.Median) ? c.Median : 1, -1, 1), range);
                rect.LineColor = Colors.White;
                var text = plot.Add.Text(double.IsFinite(c.Median) ? c.Median.ToString("F2", CultureInfo.InvariantCulture) : "+inf", j + 0.5, i + 0.5);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = s.Betas.Count > 8 ? 8 : 11;
                text.LabelFontColor = Colors.White;
                text.LabelBackgroundColor = Colors.Black.WithAlpha(0.35);
            }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, s.Betas.Count).Select(j => j + 0.5).ToArray(), s.Betas.Select(b => b.ToString("G3", CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, s.Hursts.Count).Select(i => i + 0.5).ToArray(), s.Hursts.Select(h => h.ToString("G3", CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimits(0, s.Betas.Count, 0, s.Hursts.Count);
        plot.Title(Inv($"L = {depth}: median log10 ||h_L - h_0|| / ||h_0|| (colours clip at +-1)"));
        plot.XLabel("beta (alpha = L^-beta)");
        plot.YLabel("Hurst index H of V and W");
        return plot;
    }

    private void WriteTraining(ExperimentContext context, TrainingResult r, List<PhaseCell> cells)
    {
        var s = Settings;
        var csv = new StringBuilder("init,L,step,loss_before_step,max_layer_difference_F\n");
        foreach (var (label, runs) in new[] { ("ode", r.Smooth), ("iid", r.Control) })
            foreach (var run in runs)
                for (int t = 0; t < run.Differences.Length; t++)
                    csv.AppendLine(Inv($"{label},{run.Depth},{t},{(t < run.Losses.Length ? run.Losses[t].ToString("R", CultureInfo.InvariantCulture) : "")},{run.Differences[t]:R}"));
        context.WriteText("resnet-scaling-training.csv", csv.ToString());

        double[] ls = r.Smooth.Select(x => (double)x.Depth).ToArray();
        var fit = r.Smooth.Where(x => x.Depth >= 16).ToArray();
        double slope = fit.Length >= 2 ? ResidualCheckSupport.Slope(fit.Select(x => Math.Log(x.Depth)).ToArray(), fit.Select(x => Math.Log(x.MaxDifference)).ToArray()) : double.NaN;
        context.SaveFigure(Checks.Ode.OdeCheckSupport.LogLog(Inv($"Layer differences during {s.TrainingSteps} GD steps (lr 0.01 L)"), "depth L", "max_t,k ||Z_k+1 - Z_k||_F",
            (Inv($"V = 0, W tied (slope {slope:F3} for L >= 16)"), ls, r.Smooth.Select(x => x.MaxDifference).ToArray()),
            ("i.i.d. init", r.Control.Select(x => (double)x.Depth).ToArray(), r.Control.Select(x => x.MaxDifference).ToArray()),
            ("slope -1", ls, ls.Select(l => r.Smooth[^1].MaxDifference * r.Smooth[^1].Depth / l).ToArray())), "resnet-scaling-smoothness");

        var loss = new Plot();
        foreach (var run in r.Smooth)
        {
            var line = loss.Add.ScatterLine(Enumerable.Range(0, run.Losses.Length).Select(t => (double)t).ToArray(), run.Losses);
            line.LegendText = Inv($"ODE init, L = {run.Depth}");
        }
        loss.Title("Training loss (mean squared error) from the neural-ODE init");
        loss.XLabel("GD step");
        loss.YLabel("loss");
        loss.ShowLegend(Alignment.UpperRight);
        context.SaveFigure(loss, "resnet-scaling-loss");

        foreach (var (run, label, name) in new[] { (r.Smooth[^1], "ODE init", "resnet-scaling-weights"), (r.Control[^1], "i.i.d. init", "resnet-scaling-weights-iid") })
        {
            var weights = new Plot();
            var ts = Enumerable.Range(0, run.Depth).Select(k => k / (double)run.Depth).ToArray();
            for (int i = 0; i < run.FinalV.Length; i++)
            {
                var line = weights.Add.ScatterLine(ts, run.FinalV[i]);
                line.MarkerSize = 0;
                line.LegendText = Inv($"(V_k)_{i}{i}");
            }
            weights.Title(Inv($"{label}: V_k after {s.TrainingSteps} GD steps (L = {run.Depth})"));
            weights.XLabel("layer time (k - 1)/L");
            weights.YLabel("entry of V_k");
            weights.ShowLegend(Alignment.UpperRight);
            context.SaveFigure(weights, name);
        }

        var md = new StringBuilder();
        md.AppendLine("# resnet-scaling: regimes of deep ResNets and implicit regularisation towards neural ODEs");
        md.AppendLine();
        md.AppendLine(Inv($"Seed {context.Seed}, float64, one torch thread. Spec residual-scaling 6.4 (E3) and 6.5 (E4)."));
        md.AppendLine();
        md.AppendLine("## Phase diagram (Marion et al. 2022, arXiv:2206.06929, Figs. 6-7)");
        md.AppendLine();
        md.AppendLine(Inv($"TwoLayer ReLU, d = m = {s.PhaseWidth}, V and W independent `FractionalGaussianNoise(H)` stacks, alpha = L^-beta, {s.PhaseTrials} weight draws x {s.PhaseInputs} inputs h_0 ~ N(0, I). Cells: median of log10(||h_L - h_0||/||h_0||) (10% and 90% quantiles in the CSV)."));
        md.AppendLine();
        md.AppendLine("| L | H | " + string.Join(" | ", s.Betas.Select(b => Inv($"beta {b}"))) + " |");
        md.AppendLine("|---|---|" + string.Concat(s.Betas.Select(_ => "---:|")));
        foreach (int depth in s.PhaseDepths)
            foreach (double h in s.Hursts)
                md.AppendLine(Inv($"| {depth} | {h} | ") + string.Join(" | ", s.Betas.Select(b => cells.Single(c => c.Depth == depth && c.Hurst == h && c.Beta == b).Median is var v && double.IsFinite(v) ? Signed(v) : "+inf")) + " |");
        md.AppendLine();
        foreach (var line in PhaseReading(cells)) md.AppendLine("- " + line);
        md.AppendLine();
        md.AppendLine(string.Join(" ", s.PhaseDepths.Select(l => Inv($"![phase L = {l}](figures/resnet-scaling-phase-L{l}.png)"))));
        md.AppendLine();
        md.AppendLine("## Training from a neural-ODE init (Marion et al. 2023, arXiv:2309.01213, Fig. 1)");
        md.AppendLine();
        md.AppendLine(Inv($"TwoLayer GELU, d = 16, m = 32, alpha = 1/L, n = 100 Gaussian pairs (X, Y) and W0 ~ N(0, 1) fixed across L; V = 0, W_k = W0; full-batch GD on the mean squared error with lr 0.01 L for {s.TrainingSteps} steps. Control: V ~ N(0, 1/m), W ~ N(0, 1) i.i.d. D_L = max over steps t = 0..{s.TrainingSteps} and k of max(||V_k+1 - V_k||_F, ||W_k+1 - W_k||_F)."));
        md.AppendLine();
        md.AppendLine("| init | L | D_L | L D_L | loss at t = 0 | loss before the last step |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (label, runs) in new[] { ("ODE", r.Smooth), ("i.i.d.", r.Control) })
            foreach (var run in runs)
                md.AppendLine(Inv($"| {label} | {run.Depth} | {run.MaxDifference:E4} | {run.Depth * run.MaxDifference:F4} | {run.Losses[0]:F4} | {run.Losses[^1]:F4} |"));
        md.AppendLine();
        md.AppendLine(Inv($"- Slope of log D_L on log L over L >= 16 (ODE init): {slope:F4} (spec: in [-1.05, -0.95])."));
        if (r.Smooth.Length >= 2)
        {
            var (a, b) = (r.Smooth[^2], r.Smooth[^1]);
            md.AppendLine(Inv($"- L D_L at L = {a.Depth} and {b.Depth} differ by {Math.Abs(a.Depth * a.MaxDifference / (b.Depth * b.MaxDifference) - 1):P2} (spec: within 2%); loss curves by at most {a.Losses.Zip(b.Losses, (p, q) => Math.Abs(p - q) / q).Max():P3} (spec: 0.5%)."));
        }
        if (r.Control.Length >= 2)
            md.AppendLine(Inv($"- Control D_{r.Control[^1].Depth}/D_{r.Control[0].Depth} = {r.Control[^1].MaxDifference / r.Control[0].MaxDifference:F3} (spec: > 0.5, it does not decrease)."));
        md.AppendLine();
        md.AppendLine("![smoothness](figures/resnet-scaling-smoothness.png) ![loss](figures/resnet-scaling-loss.png) ![weights](figures/resnet-scaling-weights.png) ![weights, i.i.d.](figures/resnet-scaling-weights-iid.png)");
        context.WriteText("resnet-scaling.md", md.ToString());
    }

    /// <summary>The spec 6.4 criteria, evaluated where the grid contains the cells they name (reported, not thrown).</summary>
    internal IEnumerable<string> PhaseReading(List<PhaseCell> cells)
    {
        var s = Settings;
        int deepest = s.PhaseDepths.Max();
        var deep = cells.Where(c => c.Depth == deepest).ToList();
        bool positive = deep.Where(c => c.Beta <= 0.35).All(c => c.Median > 0);
        bool negative = deep.Where(c => c.Beta >= 0.95 && c.Hurst <= 0.8).All(c => c.Median < 0);
        bool monotone = s.Hursts.All(h => deep.Where(c => c.Hurst == h).OrderBy(c => c.Beta).Select(c => c.Median).Zip(deep.Where(c => c.Hurst == h).OrderBy(c => c.Beta).Select(c => c.Median).Skip(1), (p, q) => q < p).All(x => x));
        yield return Inv($"L = {deepest}: '+' for every beta <= 0.35: {(positive ? "yes" : "no")}; '-' for beta >= 0.95 when H <= 0.8: {(negative ? "yes" : "no")}; every row decreases in beta: {(monotone ? "yes" : "no")}.");
        var centre = deep.FirstOrDefault(c => c.Beta == 0.5 && c.Hurst == 0.5);
        if (centre is not null) yield return Inv($"beta = 0.5, H = 0.5: {Signed(centre.Median)} (spec: |value| < 0.2).");
        if (s.PhaseDepths.Count >= 2)
        {
            int shallow = s.PhaseDepths.Min();
            foreach (double h in s.Hursts)
            {
                var row = s.Betas.Select(b => (Beta: b, Change: deep.Single(c => c.Hurst == h && c.Beta == b).Median - cells.Single(c => c.Depth == shallow && c.Hurst == h && c.Beta == b).Median)).ToArray();
                var critical = row.MinBy(x => Math.Abs(x.Change));
                yield return Inv($"H = {h}: the value moves least between L = {shallow} and {deepest} at beta = {critical.Beta} (change {Signed(critical.Change)}); heuristic beta* = max(1/2, H) = {Math.Max(0.5, h)}.");
            }
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Signed(double v) => (v >= 0 ? "+" : "") + v.ToString("F2", CultureInfo.InvariantCulture);
}

/// <summary>Size of <see cref="ResNetScalingExperiment"/> (spec residual-scaling 6.4 E3, 6.5 E4).</summary>
/// <param name="PhaseWidth">d = m of the phase-diagram networks.</param>
/// <param name="PhaseTrials">Independent weight draws per (L, H) (shared by the β of a row).</param>
/// <param name="PhaseInputs">Inputs per weight draw.</param>
/// <param name="PhaseDepths">Depths of the phase diagram (one heat map each).</param>
/// <param name="Hursts">Hurst indices H of the fGn weights (rows).</param>
/// <param name="Betas">Exponents β (columns).</param>
/// <param name="TrainingDepths">Depths of the training experiment (at least two, each ≥ 2).</param>
/// <param name="TrainingSteps">GD steps per training run.</param>
public sealed record ResNetScalingSettings(int PhaseWidth, int PhaseTrials, int PhaseInputs, IReadOnlyList<int> PhaseDepths, IReadOnlyList<double> Hursts,
    IReadOnlyList<double> Betas, IReadOnlyList<int> TrainingDepths, int TrainingSteps)
{
    /// <summary>
    /// The spec's Lab size: d = m = 20, 16 draws × 4 inputs, L ∈ {100, 1000}, the 4 × 7 grid; training at L ∈ {2, 16, 64, 256, 1024},
    /// 50 steps (about 3 minutes on the loaded 2-core VM).
    /// </summary>
    public static ResNetScalingSettings Full { get; } = new(20, 16, 4, [100, 1000], [0.2, 0.5, 0.8, 0.95], [0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1], [2, 16, 64, 256, 1024], 50);

    /// <summary>A smoke-test size (seconds).</summary>
    public static ResNetScalingSettings Tiny { get; } = new(4, 2, 2, [10, 20], [0.5, 0.9], [0.25, 1], [2, 4, 8], 3);
}
