using NeuralTheory.Numerics.Residual;
using NeuralTheory.Residual;
using ScottPlot;
using TorchSharp;
using static NeuralTheory.Lab.Checks.Residual.ResidualCheckSupport;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Residual;

/// <summary>
/// <c>residual.scaling-regimes</c> (spec residual-scaling 6.1, 6.2 E1): at i.i.d. Gaussian initialisation a TwoLayer ReLU
/// ResNet <c>h_k = h_{k−1} + L^{−β} V_k relu(W_k h_{k−1})</c> (d = m = 16, <see cref="ResidualNetwork"/>, float64) has
/// <c>E log(‖h_L‖/‖h_0‖) = Lα²(¼ − 1/(2d)) + O(Lα⁴)</c> and <c>E‖h_L − h_0‖²/‖h_0‖² = (1 + α²/2)^L − 1</c> exactly
/// (<see cref="ExactSecondMoments"/>, the independent oracle), so with <c>α = L^{−β}</c> the log ratio explodes like
/// <c>L^{1−2β}</c> for β &lt; ½, tends to 0 for β &gt; ½ and stays of order one at β = ½ — the trichotomy of Marion,
/// Fermanian, Biau &amp; Vert, <i>Scaling ResNets in the Large-depth Regime</i> (arXiv:2206.06929). Measured over
/// <c>L ∈ {10, 100, 1000}</c> and <c>β ∈ {¼, ½, 1}</c> with the spec's E1 criteria (see <see cref="Assess"/>).
/// </summary>
/// <remarks>
/// Sampling: <see cref="Trials"/> independent networks per depth (new weights each, shared by the three β), each fed
/// <see cref="Inputs"/> inputs <c>h_0 ~ N(0, I)</c>. Inputs through one network are dependent, so every standard error is
/// taken over the per-network means (a clustered standard error): the spec's "4 standard errors of the mean" then
/// holds for any number of inputs per network.
/// </remarks>
public sealed class ScalingRegimesCheck : Check
{
    internal static readonly double[] Betas = [0.25, 0.5, 1];
    internal static readonly int[] Depths = [10, 100, 1000];
    internal const int Width = 16;
    internal const int Trials = 16;
    internal const int Inputs = 32;

    /// <inheritdoc />
    public override string Id => "residual.scaling-regimes";

    /// <inheritdoc />
    public override string Claim =>
        "I.i.d. Gaussian TwoLayer ReLU ResNet (d = m = 16, alpha = L^-beta, float64), L in {10, 100, 1000}: log(||h_L||/||h_0||) explodes for beta = 1/4 " +
        "(mean within 10% of L alpha^2 (1/4 - 1/(2d)) for L >= 100, E||h_L - h_0||^2 up > 10x per decade), has mean L alpha^2 (1/4 - 1/(2d)) within " +
        "4 SE + 2 L alpha^4 for beta in {1/2, 1} (order one at 1/2, -> 0 at 1) and E||h_L - h_0||^2/||h_0||^2 = (1 + alpha^2/2)^L - 1 (exact) within 4 SE " +
        "(spec 6.1, 6.2 E1 criteria 1 and 3). Measured: worst |deviation| / allowed over all criteria, must be <= 1.";

    /// <inheritdoc />
    public override string Source =>
        "Marion, Fermanian, Biau & Vert, Scaling ResNets in the Large-depth Regime, arXiv:2206.06929 (JMLR 2025); spec residual-scaling 6.1, 6.2 E1";

    /// <summary>One (β, L) cell of the sweep.</summary>
    internal sealed record Cell(double Beta, int Depth, double Alpha, double MeanLog, double MeanLogError, double PredictedLog,
        double MeanDiffSquared, double DiffSquaredError, double ExactDiffSquared, double MedianDiff);

    /// <summary>Log ratios and relative changes of every input for one (β, L), grouped by network.</summary>
    /// <param name="betas">The exponents β.</param>
    /// <param name="depths">The depths L.</param>
    /// <param name="trials">Independent networks per depth.</param>
    /// <param name="inputs">Inputs per network.</param>
    /// <param name="width">d = m.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="alphaFactor">Multiplies the networks' α (1 in the check; tests use another value to show the criteria fail).</param>
    internal static Cell[] Measure(double[] betas, int[] depths, int trials, int inputs, int width, int seed, double alphaFactor = 1)
    {
        var cells = new List<Cell>();
        foreach (int depth in depths)
        {
            var logs = betas.Select(_ => new List<double[]>()).ToArray();
            var diffs = betas.Select(_ => new List<double[]>()).ToArray();
            for (int t = 0; t < trials; t++)
            {
                using var scope = NewDisposeScope();
                long netSeed = 1_000_003L * seed + 7919L * depth + t;
                using var first = ResidualNetwork.Create(depth, width, BranchType.TwoLayer, ResidualActivation.Relu, ResidualInit.IidGaussian(),
                    ScalingFor(betas[0], depth, alphaFactor), seed: netSeed);
                using var generator = new Generator((ulong)(netSeed + 1), CPU);
                var x = randn([inputs, width], ScalarType.Float64, generator: generator);
                var x0 = x.norm(-1, false);
                for (int b = 0; b < betas.Length; b++)
                {
                    using var net = b == 0 ? null : ResidualNetwork.FromWeights(first.V, first.W, BranchType.TwoLayer, ResidualActivation.Relu, ScalingFor(betas[b], depth, alphaFactor));
                    using var noGrad = no_grad();
                    var h = (net ?? first).forward(x);
                    logs[b].Add((h.norm(-1, false) / x0).log().data<double>().ToArray());
                    diffs[b].Add(((h - x).norm(-1, false) / x0).data<double>().ToArray());
                }
            }
            for (int b = 0; b < betas.Length; b++)
            {
                double beta = betas[b], alpha = Math.Pow(depth, -beta);
                var (meanLog, seLog) = MeanAndError(logs[b].Select(v => v.Average()).ToArray());
                var (meanSq, seSq) = MeanAndError(diffs[b].Select(v => v.Average(z => z * z)).ToArray());
                var exact = ExactSecondMoments.Of(ResNetBranch.TwoLayer, ResNetActivation.Relu, depth, alpha, width, width);
                cells.Add(new Cell(beta, depth, alpha, meanLog, seLog, depth * alpha * alpha * (0.25 - 0.5 / width),
                    meanSq, seSq, exact.DifferenceSquared, Median(diffs[b].SelectMany(v => v))));
            }
        }
        return cells.ToArray();
    }

    private static ResidualScaling ScalingFor(double beta, int depth, double factor) =>
        factor == 1 ? ResidualScaling.Power(beta) : ResidualScaling.Explicit(factor * Math.Pow(depth, -beta));

    /// <summary>
    /// The spec's E1 criteria 1 and 3 (and the β &lt; ½ growth of 3) as (label, |deviation| / allowed) pairs; every ratio
    /// must be ≤ 1. Criterion 4 (medians flat within ±10% at β = ½, down 2.5–4× per decade at β = 1) is reported, not
    /// asserted: its fixed ±10% was sized for T = 200 independent trials, and here inputs share networks; criteria 1 and 3
    /// show the same regimes with standard-error tolerances.
    /// </summary>
    internal static List<(string Label, double Ratio)> Assess(IReadOnlyList<Cell> cells)
    {
        var ratios = new List<(string, double)>();
        Cell At(double beta, int depth) => cells.Single(c => c.Beta == beta && c.Depth == depth);
        foreach (var c in cells)
        {
            if (c.Beta >= 0.5)
            {
                ratios.Add((Inv($"mean log ratio, beta {c.Beta}, L {c.Depth}"), Math.Abs(c.MeanLog - c.PredictedLog) / (4 * c.MeanLogError + 2 * c.Depth * Math.Pow(c.Alpha, 4))));
                ratios.Add((Inv($"E diff^2, beta {c.Beta}, L {c.Depth}"), Math.Abs(c.MeanDiffSquared - c.ExactDiffSquared) / (4 * c.DiffSquaredError)));
            }
            else if (c.Depth >= 100)
                ratios.Add((Inv($"mean log ratio (relative), beta {c.Beta}, L {c.Depth}"), Math.Abs(c.MeanLog - c.PredictedLog) / (0.1 * c.PredictedLog)));
        }
        var depths = cells.Select(c => c.Depth).Distinct().Order().ToArray();
        for (int i = 1; i < depths.Length; i++)
        {
            double decades = Math.Log10((double)depths[i] / depths[i - 1]);
            // beta < 1/2: E diff^2 grows more than 10x per decade (ratio 10^decades / growth, <= 1 when it does).
            foreach (double beta in cells.Select(c => c.Beta).Distinct().Where(b => b < 0.5))
            {
                double growth = At(beta, depths[i]).MeanDiffSquared / At(beta, depths[i - 1]).MeanDiffSquared;
                ratios.Add((Inv($"E diff^2 growth > 10x per decade, beta {beta}, L {depths[i - 1]}->{depths[i]}"), Math.Pow(10, decades) / growth));
            }
        }
        return ratios;
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cells = TorchThreads.Single(() => Measure(Betas, Depths, Trials, Inputs, Width, context.Seed));
        var ratios = Assess(cells);
        var worst = ratios.MaxBy(r => double.IsFinite(r.Ratio) ? r.Ratio : double.PositiveInfinity);

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int b = 0; b < Betas.Length; b++)
        {
            var row = cells.Where(c => c.Beta == Betas[b]).OrderBy(c => c.Depth).ToArray();
            double[] xs = row.Select(c => Math.Log10(c.Depth)).ToArray();
            var measured = plot.Add.ScatterLine(xs, row.Select(c => c.MeanLog).ToArray());
            measured.LegendText = Inv($"beta = {Betas[b]}: mean log(|h_L|/|h_0|)");
            measured.Color = palette.GetColor(b);
            measured.MarkerSize = 7;
            var predicted = plot.Add.ScatterLine(xs, row.Select(c => c.PredictedLog).ToArray());
            predicted.LegendText = "L a^2 (1/4 - 1/(2d))";
            predicted.Color = palette.GetColor(b);
            predicted.LinePattern = LinePattern.Dashed;
        }
        plot.Title("I.i.d. init, TwoLayer ReLU, d = 16: three regimes in L");
        plot.XLabel("log10 L");
        plot.YLabel("log(|h_L| / |h_0|)");
        plot.ShowLegend(Alignment.UpperLeft);
        string figure = context.SaveFigure(plot, Id);

        string table = string.Join("; ", cells.Select(c =>
            Inv($"beta {c.Beta} L {c.Depth}: log ratio {c.MeanLog:F4} +- {c.MeanLogError:F4} (pred {c.PredictedLog:F4}), E diff^2 {c.MeanDiffSquared:G4} +- {c.DiffSquaredError:G2} (exact {c.ExactDiffSquared:G4}), median diff {c.MedianDiff:G4}")));
        string medians = string.Join(", ", cells.Select(c => Inv($"{c.Beta}/{c.Depth}: {c.MedianDiff:G3}")));
        string note = Inv($"Medians of ||h_L - h_0||/||h_0|| (beta/L, reported, spec criterion 4 not asserted): {medians}. {Trials} networks x {Inputs} inputs per L (Gaussian weights, seed-derived), SE over network means. Worst criterion: {worst.Label} ({worst.Ratio:F3}). {table}.");
        var result = CheckResult.Within(worst.Ratio, 0, 1, note);
        return result with { FigurePath = figure };
    }
}
