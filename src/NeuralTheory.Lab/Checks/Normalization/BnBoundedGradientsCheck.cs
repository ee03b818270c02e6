using static NeuralTheory.Lab.Checks.Ode.OdeCheckSupport;

namespace NeuralTheory.Lab.Checks.Normalization;

/// <summary>
/// <c>norm.bn-bounded-gradients</c>: Meterez, Joudaki, Orabona, Immer, Rätsch &amp; Daneshmand 2023 (arXiv:2310.02012): in the
/// linear MLP with BN0 and Haar-orthogonal weights (n = d, independent inputs) the input-layer gradient stays bounded at any
/// depth, while with Gaussian weights it grows with depth. Spec normalization Experiment D: d = n = 32, k = 10, mean
/// cross-entropy on uniform labels, <see cref="Trials"/> trials (seeds <c>seed + 100 L + t</c>); acceptance (spec): orthogonal
/// <c>|mean log ‖∂Loss/∂W_1‖_F| &lt; 0.3</c> at every L; Gaussian: mean at L = 500 &gt; 5 and increasing in L from L = 50 on.
/// </summary>
/// <remarks>
/// The spec measures 10 trials; 4 are used here to keep <c>verify</c> in seconds (the spec's per-trial sd is ≤ 0.08 for the
/// orthogonal net and ≤ 0.82 for the Gaussian one: 4 trials keep the standard errors at ≤ 0.04 and ≤ 0.41, inside the
/// 0.3 bound and the margins 7.74 − 5 and 3.14 → 7.74; the smallest step, 0.68 → 1.22 at L = 50 → 100, is ≈ 3 standard errors).
/// </remarks>
public sealed class BnBoundedGradientsCheck : Check
{
    internal const int Width = 32;
    internal const int Trials = 4;
    internal const double Bound = 0.3;
    internal static readonly int[] Depths = [5, 10, 20, 50, 100, 200, 500];

    /// <inheritdoc />
    public override string Id => "norm.bn-bounded-gradients";

    /// <inheritdoc />
    public override string Claim =>
        "d = n = 32 linear MLP with BN0, 4 trials per depth L in {5..500}: with Haar-orthogonal weights |mean log ||dLoss/dW_1|| | < 0.3 at every L (bounded); " +
        "with Gaussian weights the mean grows (increasing from L = 50, > 5 at L = 500); measured = max over L of the orthogonal |mean| (spec Experiment D).";

    /// <inheritdoc />
    public override string Source =>
        "Meterez, Joudaki, Orabona, Immer, Ratsch & Daneshmand 2023, Towards training without depth limits: batch normalization without gradient explosion, arXiv:2310.02012; spec normalization Experiment D";

    /// <summary>Mean log-gradient of the input layer per depth for a configuration of <see cref="NormCheckSupport.GradientConfigs"/>.</summary>
    internal static double[] Measure(int config, int seed, int trials = Trials) =>
        Depths.Select(l => NormCheckSupport.MeanLogInputGradient(NormCheckSupport.GradientConfigs[config], Width, l, trials, seed).Mean).ToArray();

    /// <summary>The verdict: bounded orthogonal means and growing Gaussian means.</summary>
    internal static CheckResult Assess(double[] orthogonal, double[] gaussian, string note)
    {
        double worst = orthogonal.Select(v => Math.Abs(v)).Max();
        int from = Array.IndexOf(Depths, 50);
        bool grows = gaussian[^1] > 5;
        for (int i = from + 1; i < Depths.Length; i++) grows &= gaussian[i] > gaussian[i - 1];
        var r = CheckResult.Within(worst, 0, Bound, note);
        return r with { Passed = r.Passed && worst < Bound && grows };
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TorchThreads.Single(() => RunSingleThreaded(context));
    }

    private CheckResult RunSingleThreaded(CheckContext context)
    {
        var orth = Measure(0, context.Seed);
        var gauss = Measure(1, context.Seed);
        var ls = Depths.Select(l => (double)l).ToArray();
        var plot = new ScottPlot.Plot();
        var a = plot.Add.ScatterLine(ls.Select(Math.Log10).ToArray(), orth);
        a.LegendText = "orthogonal, BN0 (M23Net)";
        var b = plot.Add.ScatterLine(ls.Select(Math.Log10).ToArray(), gauss);
        b.LegendText = "Gaussian, BN0";
        var zero = plot.Add.HorizontalLine(0);
        zero.LegendText = "bounded (0)";
        zero.LinePattern = ScottPlot.LinePattern.Dotted;
        plot.Title("Input-layer gradient vs depth, linear BN0 MLP (d = n = 32)");
        plot.XLabel("log10 depth L");
        plot.YLabel("mean log ||dLoss/dW_1||_F");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        string figure = context.SaveFigure(plot, Id);
        string row(double[] v) => string.Join(", ", Depths.Select((l, i) => Inv($"L={l}: {v[i]:F2}")));
        string note = Inv($"orthogonal: {row(orth)} (spec 0.00..0.02); Gaussian: {row(gauss)} (spec 0.40, 0.37, 0.53, 0.68, 1.22, 3.14, 7.74). Tolerance 0.3 and the growth conditions are the spec's acceptance.");
        return Assess(orth, gauss, note) with { FigurePath = figure };
    }
}
