using NeuralTheory.Lab.Checks;
using System.Globalization;
using System.Text;
using NeuralTheory.Lab.Checks.Normalization;
using NeuralTheory.Normalization;
using NeuralTheory.Numerics.Diagnostics;
using ScottPlot;
using static NeuralTheory.Lab.Checks.Ode.OdeCheckSupport;

namespace NeuralTheory.Lab.Experiments;

/// <summary>
/// <c>reproduce norm-depth</c>: the normalisation papers' depth figures at full size (spec normalization 6, Experiments A-D),
/// measured curves with the predicted ones drawn over them: (A) the orthogonality gap of the BN chain vs depth for several
/// widths and its floor vs width (Daneshmand, Joudaki &amp; Bach 2021, arXiv:2106.03970, Figs. 2a-b); (B) the rank of
/// representations vs depth with and without BN (Daneshmand et al. 2020, arXiv:2003.01652); (C) the isometry gap vs depth
/// with LN0 and ReLU/sin/tanh/identity against the Hermite mean-field iteration (Joudaki, Daneshmand &amp; Bach 2023,
/// arXiv:2305.18399); (D) the input-layer gradient norm vs depth (Meterez et al. 2023, arXiv:2310.02012).
/// </summary>
/// <remarks>
/// Every network is <see cref="NormalizedMlp"/> in float64 on the CPU with one torch thread (many small layers); the
/// measurements are those of the <c>norm.*</c> checks (<see cref="NormCheckSupport"/>) at the spec's sizes. Each section
/// writes its CSV, figures and the Markdown report as soon as it finishes, so an interrupted run keeps what it measured.
/// </remarks>
public sealed class NormDepthExperiment : IExperiment
{
    private static readonly MlpActivation[] IsoActivations = [MlpActivation.Relu, MlpActivation.Sin, MlpActivation.Tanh, MlpActivation.Identity];

    /// <summary>The registry's instance (<see cref="NormDepthSettings.Full"/>).</summary>
    public NormDepthExperiment() : this(NormDepthSettings.Full) { }

    /// <summary>An instance with explicit settings (tests use <see cref="NormDepthSettings.Tiny"/>).</summary>
    /// <exception cref="ArgumentException">A size is out of range.</exception>
    public NormDepthExperiment(NormDepthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Widths.Count < 2 || settings.Widths.Any(d => d < 2) || settings.Batch < 2 || settings.ChainDepth < 2 || settings.ChainTrials < 1
            || settings.FloorStart < 1 || settings.FloorStart > settings.ChainDepth)
            throw new ArgumentException("Need ≥ 2 widths ≥ 2, n ≥ 2, chain depth ≥ 2, ≥ 1 trial and 1 ≤ FloorStart ≤ chain depth.", nameof(settings));
        if (settings.RankWidth < 2 || settings.RankDepth < 1 || settings.RankTrials < 1)
            throw new ArgumentException("Need rank width ≥ 2, rank depth ≥ 1 and ≥ 1 trial.", nameof(settings));
        if (settings.IsoWidths.Count < 1 || settings.IsoWidths.Any(d => d < settings.IsoBatch) || settings.IsoBatch < 2 || settings.IsoDepth < 1 || settings.IsoTrials < 1)
            throw new ArgumentException("Need isometry widths ≥ n ≥ 2, depth ≥ 1 and ≥ 1 trial.", nameof(settings));
        if (settings.GradWidth < 10 || settings.GradDepths.Count < 1 || settings.GradDepths.Any(l => l < 1) || settings.GradTrials < 1)
            throw new ArgumentException("Need gradient width ≥ 10 (k = 10 classes), depths ≥ 1 and ≥ 1 trial.", nameof(settings));
        Settings = settings;
    }

    /// <summary>The settings.</summary>
    public NormDepthSettings Settings { get; }

    /// <inheritdoc />
    public string Name => "norm-depth";

    /// <inheritdoc />
    public string Description =>
        "Deep random nets with BN/LN vs depth, measured against the predicted curves: orthogonality gap and its 1/sqrt(d) floor (arXiv:2106.03970), rank with/without BN (arXiv:2003.01652), " +
        "isometry gap vs the Hermite mean field (arXiv:2305.18399), gradient norm (arXiv:2310.02012); spec normalization Experiments A-D.";

    /// <inheritdoc />
    public void Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TorchThreads.Single(() => { RunAll(context); return 0; });
    }

    private void RunAll(ExperimentContext context)
    {
        var s = Settings;
        var md = new StringBuilder();
        md.AppendLine("# norm-depth: deep random networks with normalisation, measured vs predicted");
        md.AppendLine();
        md.AppendLine(Inv($"Spec normalization Experiments A-D; every network is `NormalizedMlp` (float64, CPU, one torch thread), seed {context.Seed}. Solid = measured (mean over trials), dashed = predicted, dotted = predicted floor/scale."));
        md.AppendLine();

        // (A) orthogonality gap of the BN chain.
        var csvA = new StringBuilder("width,layer,mean_V,predicted_V\n");
        var gaps = new List<double[]>();
        double rho = PredictedRates.OrthogonalityGapContraction(s.Batch);
        for (int i = 0; i < s.Widths.Count; i++)
        {
            context.Report(0.25 * i / s.Widths.Count, Inv($"A: BN chain d = {s.Widths[i]}"));
            gaps.Add(NormCheckSupport.MeanOrthogonalityGaps(s.Widths[i], s.Batch, s.ChainDepth, s.ChainTrials, context.Seed));
        }
        var predictedA = s.Widths.Select((d, i) => ChainPrediction(gaps[i][0], rho, PredictedRates.OrthogonalityGapFloor(s.Batch, d), s.ChainDepth)).ToList();
        for (int i = 0; i < s.Widths.Count; i++)
            for (int l = 0; l <= s.ChainDepth; l++) csvA.AppendLine(Inv($"{s.Widths[i]},{l},{gaps[i][l]:R},{predictedA[i][l]:R}"));
        context.WriteText("norm-depth-orthogonality.csv", csvA.ToString());
        var floors = gaps.Select(g => g[s.FloorStart..].Average()).ToArray();
        var ws = s.Widths.Select(d => (double)d).ToArray();
        double slope = Slope(ws.Select(w => Math.Log(w)).ToArray(), floors.Select(f => Math.Log(f)).ToArray());
        var ratios = gaps.Select(g => Math.Exp(Slope(Enumerable.Range(1, Math.Min(10, s.ChainDepth)).Select(l => (double)l).ToArray(),
            Enumerable.Range(1, Math.Min(10, s.ChainDepth)).Select(l => Math.Log(g[l])).ToArray()))).ToArray();
        context.SaveFigure(DepthPlot("BN chain: orthogonality gap vs depth, n = " + s.Batch, "log10 mean V(H_l)",
            s.Widths.Select((d, i) => (Inv($"d = {d}"), gaps[i], (double[]?)predictedA[i])).ToList(), logY: true), "norm-depth-orthogonality");
        context.SaveFigure(LogLog(Inv($"Floor of V (layers {s.FloorStart}..{s.ChainDepth}) vs width, n = {s.Batch}"), "width d", "floor of V",
            (Inv($"measured (slope {slope:F3})"), ws, floors),
            ("derived V_inf ~ 1/sqrt(d)", ws, s.Widths.Select(d => PredictedRates.OrthogonalityGapFloor(s.Batch, d)).ToArray())), "norm-depth-floor");
        md.AppendLine("## A. Orthogonality gap of the BN chain H_{l+1} = BN0(W_l H_l)/sqrt(d) (arXiv:2106.03970)");
        md.AppendLine();
        md.AppendLine(Inv($"n = {s.Batch}, H_0 = 1 1^T + 0.1 N(0,1) (unit Frobenius norm), {s.ChainTrials} trials, depth {s.ChainDepth}; floor = mean over layers {s.FloorStart}..{s.ChainDepth}. Predicted curve (derived, spec 3.7): V_l^2 = rho^(2l) V_0^2 + V_inf^2 (1 - rho^(2l)), rho = n/(n+2) = {rho:F3}."));
        md.AppendLine();
        md.AppendLine("| d | V(H_0) | V(H_10) | fitted ratio l = 1..10 | floor | derived V_inf |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < s.Widths.Count; i++)
            md.AppendLine(Inv($"| {s.Widths[i]} | {gaps[i][0]:F3} | {gaps[i][Math.Min(10, s.ChainDepth)]:F3} | {ratios[i]:F3} | {floors[i]:F4} | {PredictedRates.OrthogonalityGapFloor(s.Batch, s.Widths[i]):F4} |"));
        md.AppendLine();
        md.AppendLine(Inv($"Slope of log floor on log d: **{slope:F3}** (derived -1/2; paper Fig. 2b -0.46; spec author -0.530, accept [-0.60, -0.45])."));
        md.AppendLine();
        md.AppendLine("![gap](figures/norm-depth-orthogonality.png) ![floor](figures/norm-depth-floor.png)");
        md.AppendLine();
        context.WriteText("norm-depth.md", md.ToString());

        // (B) rank with and without BN.
        var csvB = new StringBuilder("config,layer,mean_participation_rank,mean_effective_rank\n");
        var ranks = new List<(double[] R2, double[] Erank)>();
        for (int c = 0; c < NormCheckSupport.RankConfigs.Length; c++)
        {
            context.Report(0.25 + 0.15 * c / NormCheckSupport.RankConfigs.Length, "B: " + NormCheckSupport.RankConfigs[c].Label);
            ranks.Add(NormCheckSupport.MeanRanks(c, s.RankWidth, s.RankDepth, s.RankTrials, context.Seed));
            for (int l = 0; l <= s.RankDepth; l++)
                csvB.AppendLine(Inv($"\"{NormCheckSupport.RankConfigs[c].Label}\",{l},{ranks[c].R2[l]:R},{ranks[c].Erank[l]:R}"));
        }
        context.WriteText("norm-depth-rank.csv", csvB.ToString());
        var rankPlot = DepthPlot(Inv($"Participation rank vs depth, d = n = {s.RankWidth}"), "mean participation rank r2",
            NormCheckSupport.RankConfigs.Select((c, i) => (c.Label, ranks[i].R2, (double[]?)null)).ToList(), logY: false);
        var sq = rankPlot.Add.HorizontalLine(Math.Sqrt(s.RankWidth));
        sq.LegendText = "sqrt(d) (BN: Omega(sqrt d), constant not pinned)";
        sq.LinePattern = LinePattern.Dotted;
        var one = rankPlot.Add.HorizontalLine(1);
        one.LegendText = "1 (vanilla: collapse)";
        one.LinePattern = LinePattern.Dashed;
        context.SaveFigure(rankPlot, "norm-depth-rank");
        int mid = Math.Min(20, s.RankDepth);
        md.AppendLine("## B. Rank with and without BN (arXiv:2003.01652)");
        md.AppendLine();
        md.AppendLine(Inv($"d = n = {s.RankWidth}, H_0 ~ N(0,1), NormAct, {s.RankTrials} trials. Prediction: vanilla ranks collapse to 1; with BN the rank stays of order sqrt(d) = {Math.Sqrt(s.RankWidth):F2} (constant not pinned)."));
        md.AppendLine();
        md.AppendLine(Inv($"| config | r2 at l = 0 | r2 at l = {mid} | r2 at l = {s.RankDepth} | erank at l = {s.RankDepth} |"));
        md.AppendLine("|---|---:|---:|---:|---:|");
        for (int c = 0; c < ranks.Count; c++)
            md.AppendLine(Inv($"| {NormCheckSupport.RankConfigs[c].Label} | {ranks[c].R2[0]:F2} | {ranks[c].R2[mid]:F2} | {ranks[c].R2[^1]:F2} | {ranks[c].Erank[^1]:F2} |"));
        md.AppendLine();
        md.AppendLine("![rank](figures/norm-depth-rank.png)");
        md.AppendLine();
        context.WriteText("norm-depth.md", md.ToString());

        // (C) isometry gap with LN0 + activation.
        var csvC = new StringBuilder("width,activation,layer,mean_phi,mean_phi_mean_field,derived_floor\n");
        md.AppendLine("## C. Isometry gap with LN0 + activation vs the Hermite mean field (arXiv:2305.18399)");
        md.AppendLine();
        md.AppendLine(Inv($"J23Net (LN0, act->norm, W ~ N(0, 1/d)), n = {s.IsoBatch}, degeneracy-10 input, {s.IsoTrials} trials, depth {s.IsoDepth}. Predicted: the mean-field iteration C_l = kappa(C_(l-1)), kappa = sum_k a_k rho^k (closed forms for ReLU and sin, the Hermite series to degree 41 for tanh), plus the derived floor (n-1)/(2d(1-a_1^2))."));
        md.AppendLine();
        int[] marks = new[] { 0, 5, 10, 20, 30 }.Where(l => l <= s.IsoDepth).ToArray();
        int floorFrom = Math.Max(1, (int)Math.Round(s.IsoDepth * 2.0 / 3));
        md.AppendLine("| d | activation | a_1 | " + string.Join(" | ", marks.Select(l => Inv($"l = {l} (MF)"))) + Inv($" | floor l >= {floorFrom} | derived floor |"));
        md.AppendLine("|---:|---|---:|" + string.Concat(marks.Select(_ => "---:|")) + "---:|---:|");
        for (int wi = 0; wi < s.IsoWidths.Count; wi++)
        {
            int d = s.IsoWidths[wi];
            var series = new List<(string, double[], double[]?)>();
            var floorsC = new List<(string, double)>();
            foreach (var act in IsoActivations)
            {
                context.Report(0.4 + 0.3 * (wi * IsoActivations.Length + Array.IndexOf(IsoActivations, act)) / (s.IsoWidths.Count * IsoActivations.Length), Inv($"C: d = {d}, {act}"));
                var (m, mf) = NormCheckSupport.MeanIsometryGaps(act, d, s.IsoBatch, s.IsoDepth, s.IsoTrials, context.Seed);
                double a1 = NormCheckSupport.Kernel(act).LinearFraction;
                double floor = PredictedRates.IsometryGapFloor(s.IsoBatch, d, a1);
                for (int l = 0; l <= s.IsoDepth; l++) csvC.AppendLine(Inv($"{d},{act},{l},{m[l]:R},{mf[l]:R},{floor:R}"));
                series.Add((act.ToString(), m, mf));
                if (double.IsFinite(floor)) floorsC.Add((act.ToString(), floor));
                double measuredFloor = m[floorFrom..].Average();
                md.AppendLine(Inv($"| {d} | {act} | {a1:F4} | ") + string.Join(" | ", marks.Select(l => Inv($"{m[l]:G3} ({mf[l]:G3})"))) + Inv($" | {measuredFloor:G3} | {(double.IsFinite(floor) ? floor.ToString("G3", CultureInfo.InvariantCulture) : "none (a_1 = 1)")} |"));
            }
            var plot = DepthPlot(Inv($"LN0 + activation: isometry gap, d = {d}, n = {s.IsoBatch}"), "log10 mean phi (dotted: derived floor)", series, logY: true);
            var palette = new ScottPlot.Palettes.Category10();
            foreach (var (label, floor) in floorsC)
            {
                var line = plot.Add.HorizontalLine(Math.Log10(floor));
                line.LinePattern = LinePattern.Dotted;
                line.Color = palette.GetColor(series.FindIndex(x => x.Item1 == label));
            }
            // The mean field falls to ~1e−14 by l = 60 while the measured gap stops at its floor: show the measured range
            // (and the floors) with a decade of margin below, so the curves are readable; the CSV has every value.
            double low = series.SelectMany(x => x.Item2).Concat(floorsC.Select(x => x.Item2)).Where(v => v > 0 && double.IsFinite(v)).Min();
            double high = series.SelectMany(x => x.Item2.Concat(x.Item3!)).Where(v => v > 0 && double.IsFinite(v)).Max();
            plot.Axes.SetLimitsY(Math.Log10(low) - 1, Math.Log10(high) + 0.3);
            context.SaveFigure(plot, Inv($"norm-depth-isometry-d{d}"));
            context.WriteText("norm-depth-isometry.csv", csvC.ToString());
            context.WriteText("norm-depth.md", md.ToString());
        }
        md.AppendLine();
        md.AppendLine(string.Join(" ", s.IsoWidths.Select(d => Inv($"![isometry d = {d}](figures/norm-depth-isometry-d{d}.png)"))));
        md.AppendLine();
        context.WriteText("norm-depth.md", md.ToString());

        // (D) gradient norms.
        var csvD = new StringBuilder("config,depth,mean_log_grad_W1,sd_log_grad_W1\n");
        var grads = new List<(double Mean, double Sd)[]>();
        for (int c = 0; c < NormCheckSupport.GradientConfigs.Length; c++)
        {
            var config = NormCheckSupport.GradientConfigs[c];
            var row = new (double, double)[s.GradDepths.Count];
            for (int i = 0; i < s.GradDepths.Count; i++)
            {
                context.Report(0.7 + 0.3 * (c * s.GradDepths.Count + i) / (NormCheckSupport.GradientConfigs.Length * s.GradDepths.Count), Inv($"D: {config.Label}, L = {s.GradDepths[i]}"));
                row[i] = NormCheckSupport.MeanLogInputGradient(config, s.GradWidth, s.GradDepths[i], s.GradTrials, context.Seed);
                csvD.AppendLine(Inv($"\"{config.Label}\",{s.GradDepths[i]},{row[i].Item1:R},{row[i].Item2:R}"));
            }
            grads.Add(row);
        }
        context.WriteText("norm-depth-gradients.csv", csvD.ToString());
        var gradPlot = new Plot();
        var logL = s.GradDepths.Select(l => Math.Log10(l)).ToArray();
        for (int c = 0; c < grads.Count; c++)
        {
            var line = gradPlot.Add.ScatterLine(logL, grads[c].Select(g => g.Mean).ToArray());
            line.LegendText = NormCheckSupport.GradientConfigs[c].Label;
        }
        var bounded = gradPlot.Add.HorizontalLine(0);
        bounded.LegendText = "predicted for orthogonal BN0: bounded (0)";
        bounded.LinePattern = LinePattern.Dashed;
        gradPlot.Title(Inv($"Gradient of W_1 vs depth, d = n = {s.GradWidth}, k = 10"));
        gradPlot.XLabel("log10 depth L");
        gradPlot.YLabel("mean log ||dLoss/dW_1||_F");
        gradPlot.ShowLegend(Alignment.UpperLeft);
        context.SaveFigure(gradPlot, "norm-depth-gradients");
        md.AppendLine("## D. Gradient norm vs depth (arXiv:2310.02012)");
        md.AppendLine();
        md.AppendLine(Inv($"d = n = {s.GradWidth}, k = 10, X ~ N(0,1), uniform labels, mean cross-entropy, one backward pass, {s.GradTrials} trials: mean (sd) of log ||dLoss/dW_1||_F. Prediction: bounded for orthogonal weights with BN0; growing with Gaussian weights; bounded again with the activation gain l^(-0.4)."));
        md.AppendLine();
        md.AppendLine("| config | " + string.Join(" | ", s.GradDepths.Select(l => Inv($"L = {l}"))) + " |");
        md.AppendLine("|---|" + string.Concat(s.GradDepths.Select(_ => "---:|")));
        for (int c = 0; c < grads.Count; c++)
            md.AppendLine(Inv($"| {NormCheckSupport.GradientConfigs[c].Label} | ") + string.Join(" | ", grads[c].Select(g => Inv($"{g.Mean:F2} ({g.Sd:F2})"))) + " |");
        md.AppendLine();
        md.AppendLine("![gradients](figures/norm-depth-gradients.png)");
        context.WriteText("norm-depth.md", md.ToString());
        context.Report(1, "done");
    }

    /// <summary>The derived curve of spec 3.7: <c>V_ℓ² = ρ^{2ℓ} V_0² + V_∞² (1 − ρ^{2ℓ})</c> (linearised contraction plus per-layer noise).</summary>
    internal static double[] ChainPrediction(double v0, double rho, double floor, int depth) =>
        Enumerable.Range(0, depth + 1).Select(l =>
        {
            double q = Math.Pow(rho, 2 * l);
            return Math.Sqrt(q * v0 * v0 + floor * floor * (1 - q));
        }).ToArray();

    private static Plot DepthPlot(string title, string yLabel, IReadOnlyList<(string Label, double[] Measured, double[]? Predicted)> series, bool logY)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double Y(double v) => !logY ? v : v > 0 && double.IsFinite(v) ? Math.Log10(v) : double.NaN;
        for (int i = 0; i < series.Count; i++)
        {
            var (label, measured, predicted) = series[i];
            var xs = Enumerable.Range(0, measured.Length).Select(l => (double)l).ToArray();
            var line = plot.Add.ScatterLine(xs, measured.Select(Y).ToArray());
            line.LegendText = label;
            line.Color = palette.GetColor(i);
            line.MarkerSize = 0;
            if (predicted is null) continue;
            var p = plot.Add.ScatterLine(xs, predicted.Select(Y).ToArray());
            p.Color = palette.GetColor(i);
            p.LinePattern = LinePattern.Dashed;
            p.MarkerSize = 0;
        }
        plot.Title(title);
        plot.XLabel("layer l (dashed: predicted)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}

/// <summary>Sizes of <see cref="NormDepthExperiment"/>.</summary>
/// <param name="Widths">Widths d of the BN chain (A).</param>
/// <param name="Batch">Batch size n of the BN chain.</param>
/// <param name="ChainDepth">Depth L of the BN chain.</param>
/// <param name="ChainTrials">Trials per width.</param>
/// <param name="FloorStart">First layer of the floor average.</param>
/// <param name="RankWidth">d = n of the rank experiment (B).</param>
/// <param name="RankDepth">Depth of the rank experiment.</param>
/// <param name="RankTrials">Trials of the rank experiment.</param>
/// <param name="IsoWidths">Widths of the LN isometry experiment (C).</param>
/// <param name="IsoBatch">Batch size n of (C).</param>
/// <param name="IsoDepth">Depth of (C).</param>
/// <param name="IsoTrials">Trials of (C).</param>
/// <param name="GradWidth">d = n of the gradient experiment (D).</param>
/// <param name="GradDepths">Depths of (D).</param>
/// <param name="GradTrials">Trials per depth of (D).</param>
public sealed record NormDepthSettings(IReadOnlyList<int> Widths, int Batch, int ChainDepth, int ChainTrials, int FloorStart,
    int RankWidth, int RankDepth, int RankTrials, IReadOnlyList<int> IsoWidths, int IsoBatch, int IsoDepth, int IsoTrials,
    int GradWidth, IReadOnlyList<int> GradDepths, int GradTrials)
{
    /// <summary>The spec's sizes (Experiments A-D; several minutes on 2 CPU cores).</summary>
    public static NormDepthSettings Full { get; } = new([16, 32, 64, 128, 256], 8, 300, 10, 51, 32, 200, 20, [250, 1000], 10, 60, 10,
        32, [5, 10, 20, 50, 100, 200, 500], 10);

    /// <summary>A smoke-test size (seconds).</summary>
    public static NormDepthSettings Tiny { get; } = new([16, 32], 8, 30, 2, 15, 8, 20, 2, [40], 10, 6, 2, 12, [3, 6], 2);
}
