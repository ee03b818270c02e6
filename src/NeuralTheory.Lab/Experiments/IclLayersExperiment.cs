using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Lab.Training;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Experiments;

/// <summary>
/// <c>reproduce icl-layers</c>: in-context loss against depth <c>L = 1..6</c> for trained linear self-attention stacks
/// (independent weights, trained per <c>L</c>), <c>L</c> steps of gradient descent with <c>η</c> tuned per <c>L</c>,
/// <c>L</c> steps of GD++ with <c>(η, γ)</c> tuned per <c>L</c>, and the GD weight construction evaluated through the
/// TorchSharp module — the figure of von Oswald et al. 2022, arXiv:2212.07677, Sec. 3–4 (trained Transformers vs GD and
/// GD++ over layers; spec 6.3).
/// </summary>
/// <remarks>
/// Data (G), not (U): <c>x ~ N(0, s I_10)</c> with <c>s = a²/3 = 1/12</c>, the variance of [VO]'s U(−0.5, 0.5) inputs
/// (spec 2.9), <c>w ~ N(0, I)</c>, <c>d = N = 10</c>, noiseless (the tensor sampler that <see cref="InContextTrainer"/>
/// takes draws Gaussian inputs only). The input scale matters: an <c>L</c>-layer LSA is a polynomial of degree
/// <c>3^L</c> in the tokens, and with <c>Σ = I</c> (‖x‖² ≈ 10) float32 training of <c>L ≥ 5</c> overflowed to NaN
/// (spec 8, "Float32"). One-layer optimum (3.6 with <c>Σ = sI</c>): <c>η* = N/(s(N + d + 1)) = 40/7</c>,
/// <c>R* = s d(d+1)/(N+d+1) = 55/126</c> plain MSE (Ahn et al. 2023, arXiv:2306.00297; Mahankali et al. 2023,
/// arXiv:2307.03576). Hyper-parameters of GD / GD++ are tuned on a separate seeded tuning set through the
/// constructions (float64) and then evaluated on the test set with the MathNet oracle (<see cref="GradientDescent"/>,
/// <see cref="GdPlusPlus"/>); the GD construction at the tuned <c>η</c> is also run on the test set through
/// <see cref="LinearTransformer"/> and must equal the oracle (its largest prediction difference is reported). Losses
/// are plain MSE (half of it is [VO]'s half-MSE). Trained models: float32 Adam, float64 evaluation.
/// </remarks>
public sealed class IclLayersExperiment : IExperiment
{
    private const int InputDim = 10, ContextLength = 10;

    /// <summary>The registry's instance: full size (<see cref="IclLayersSettings.Full"/>).</summary>
    public IclLayersExperiment() : this(IclLayersSettings.Full) { }

    /// <summary>An instance with explicit settings (tests use <see cref="IclLayersSettings.Tiny"/>).</summary>
    public IclLayersExperiment(IclLayersSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxLayers < 1) throw new ArgumentException("MaxLayers must be ≥ 1.", nameof(settings));
        Settings = settings;
    }

    /// <summary>The settings.</summary>
    public IclLayersSettings Settings { get; }

    /// <inheritdoc />
    public string Name => "icl-layers";

    /// <inheritdoc />
    public string Description =>
        "In-context loss vs layers L=1..6: trained LSA vs tuned GD vs tuned GD++ vs the GD construction, data (G) d=N=10 (von Oswald et al. 2022, arXiv:2212.07677; spec 6.3).";

    /// <inheritdoc />
    public void Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = Settings;
        int maxL = s.MaxLayers;
        var sigma = Matrix<double>.Build.DenseIdentity(InputDim) * s.InputVariance;
        var options = new RegressionTaskOptions(InputDim, ContextLength) { Covariance = sigma };
        using var tuning = new HeldOutPrompts(options, s.TuningPrompts, context.Seed + 3_000_017, context.Device);
        using var test = new HeldOutPrompts(options, s.TestPrompts, context.Seed + 4_000_037, context.Device);

        // 1. GD: tune η per L on the tuning set (construction, float64), one shared-layer stack of depth maxL per η.
        context.Report(0.01, "tuning GD");
        var gdEtas = Grid(s.EtaMin, s.EtaMax, s.EtaCount);
        var bestGd = Enumerable.Range(0, maxL + 1).Select(_ => (Eta: double.NaN, Loss: double.PositiveInfinity)).ToArray();
        foreach (double eta in gdEtas)
        {
            using var stack = GradientDescentConstruction.Build(InputDim, maxL, eta, device: context.Device);
            var losses = PerLayerLosses(tuning, stack, maxL);
            for (int l = 1; l <= maxL; l++) if (losses[l] < bestGd[l].Loss) bestGd[l] = (eta, losses[l]);
        }

        // 2. GD++: tune (η, γ) per L (same η and γ in every layer, spec 3.3).
        context.Report(0.04, "tuning GD++");
        var gammas = Grid(0, s.GammaMax, s.GammaCount);
        var bestPp = Enumerable.Range(0, maxL + 1).Select(_ => (Eta: double.NaN, Gamma: double.NaN, Loss: double.PositiveInfinity)).ToArray();
        foreach (double gamma in gammas)
            foreach (double eta in gdEtas)
            {
                using var stack = GdPlusPlusConstruction.Build(InputDim, maxL, eta, gamma, device: context.Device);
                var losses = PerLayerLosses(tuning, stack, maxL);
                for (int l = 1; l <= maxL; l++) if (losses[l] < bestPp[l].Loss) bestPp[l] = (eta, gamma, losses[l]);
            }

        // 3. Oracle evaluation on the test set (MathNet), and the GD construction through the module.
        context.Report(0.10, "evaluating GD / GD++ (MathNet oracle) and the GD construction");
        var gdLoss = new double[maxL + 1];
        var gdLossSe = new double[maxL + 1];
        var ppLoss = new double[maxL + 1];
        var ppLossSe = new double[maxL + 1];
        var constructionLoss = new double[maxL + 1];
        var constructionGap = new double[maxL + 1];
        for (int l = 1; l <= maxL; l++)
        {
            double eta = bestGd[l].Eta;
            var gd = test.Tasks.Select(t => GradientDescent.Run(t.X, t.YVector, t.Xq, eta, l).Prediction(l)).ToArray();
            (gdLoss[l], gdLossSe[l]) = TrainedAttention.MseWithError(gd, test.Targets);
            var (ppEta, ppGamma, _) = bestPp[l];
            var pp = test.Tasks.Select(t => GdPlusPlus.RunTokens(t.X, t.YVector, t.Xq, ppEta, ppGamma, l).Predictions[l]).ToArray();
            (ppLoss[l], ppLossSe[l]) = TrainedAttention.MseWithError(pp, test.Targets);
            using var construction = GradientDescentConstruction.Build(InputDim, l, eta, device: context.Device);
            var viaModule = test.Predict(construction);
            constructionLoss[l] = TrainedAttention.Mse(viaModule, test.Targets);
            constructionGap[l] = viaModule.Zip(gd, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
        }

        // 4. Trained LSA stacks, one per L.
        var trainedLoss = new double[maxL + 1];
        var trainedLossSe = new double[maxL + 1];
        var trainSeconds = new double[maxL + 1];
        var diverged = new bool[maxL + 1];
        double totalWork = Enumerable.Range(1, maxL).Sum(), done = 0;
        using (var sampler = new RegressionPromptSampler(InputDim, ContextLength, sigma, device: context.Device))
        {
            for (int l = 1; l <= maxL; l++)
            {
                var layers = Enumerable.Range(0, l)
                    .Select(i => LinearSelfAttention.RandomMerged(InputDim + 1, initStd: s.InitStd, seed: context.Seed + 100 * l + i, device: context.Device))
                    .ToList();
                using var model = new LinearTransformer(layers);
                var trainer = new InContextTrainer(new InContextTrainingOptions
                {
                    Steps = s.Steps, BatchSize = s.BatchSize, LearningRate = s.LearningRate, LearningRateHalvingInterval = s.HalvingInterval,
                    GradientClipNorm = s.GradientClipNorm, Seed = context.Seed + l, ProgressInterval = Math.Max(1, s.Steps / 40),
                });
                double before = done;
                int depth = l;
                var result = trainer.Train(model, sampler, (step, loss) =>
                    context.Report(0.15 + 0.83 * (before + depth * (double)step / s.Steps) / totalWork,
                        Inv($"training L = {depth}: step {step}/{s.Steps}, loss {loss:F3}")));
                done += l;
                trainSeconds[l] = result.Elapsed.TotalSeconds;
                diverged[l] = result.Diverged;
                if (result.Diverged) { trainedLoss[l] = double.NaN; trainedLossSe[l] = double.NaN; }
                else (trainedLoss[l], trainedLossSe[l]) = TrainedAttention.MseWithError(test.Predict(model), test.Targets);
                foreach (var layer in layers) layer.Dispose();
            }
        }

        // 5. Outputs.
        context.Report(0.99, "writing figure and tables");
        var oneStep = new OneStepOptimum(OptimalPreconditioner.Compute(sigma, ContextLength)[0, 0], OptimalPreconditioner.OptimalRisk(sigma, ContextLength));
        var csv = new StringBuilder("layers,trained_mse,trained_se,gd_mse,gd_se,gd_eta,gdpp_mse,gdpp_se,gdpp_eta,gdpp_gamma,gd_construction_mse,gd_construction_max_rel_diff,train_seconds,diverged\n");
        for (int l = 1; l <= maxL; l++)
            csv.AppendLine(Inv($"{l},{trainedLoss[l]:R},{trainedLossSe[l]:R},{gdLoss[l]:R},{gdLossSe[l]:R},{bestGd[l].Eta:R},{ppLoss[l]:R},{ppLossSe[l]:R},{bestPp[l].Eta:R},{bestPp[l].Gamma:R},{constructionLoss[l]:R},{constructionGap[l]:E3},{trainSeconds[l]:F1},{diverged[l]}"));
        context.WriteText("icl-layers.csv", csv.ToString());

        var md = new StringBuilder();
        md.AppendLine("# icl-layers: in-context loss vs depth (von Oswald et al. 2022, arXiv:2212.07677; spec 6.3)");
        md.AppendLine();
        md.AppendLine(Inv($"Data (G): x ~ N(0, {s.InputVariance:G4} I) (variance of U(-0.5, 0.5)), w ~ N(0, I), d = {InputDim}, N = {ContextLength}, noiseless. Plain MSE on {s.TestPrompts} seeded test prompts (float64); GD/GD++ tuned on {s.TuningPrompts} separate prompts (η grid {s.EtaMin:G3}..{s.EtaMax:G3}, {s.EtaCount} points; γ grid 0..{s.GammaMax:G3}, {s.GammaCount} points)."));
        md.AppendLine(Inv($"Trained LSA: independent merged full P, Q per layer, init std {s.InitStd:G2}, Adam lr {s.LearningRate:G3} halved every {s.HalvingInterval} steps, {s.Steps} steps, batch {s.BatchSize}, clip {s.GradientClipNorm?.ToString("G3", CultureInfo.InvariantCulture) ?? "none"}, float32."));
        md.AppendLine(Inv($"One-layer theory (spec 3.6, Σ = sI): η* = {oneStep.Eta:F6}, R* = {oneStep.Risk:F6}."));
        md.AppendLine();
        md.AppendLine("| L | trained LSA | GD (η) | GD++ (η, γ) | GD construction (module) | max rel. diff construction vs GD |");
        md.AppendLine("|---|---|---|---|---|---|");
        for (int l = 1; l <= maxL; l++)
            md.AppendLine(Inv($"| {l} | {trainedLoss[l]:F4} ± {trainedLossSe[l]:F4} | {gdLoss[l]:F4} ± {gdLossSe[l]:F4} (η = {bestGd[l].Eta:F3}) | {ppLoss[l]:F4} ± {ppLossSe[l]:F4} (η = {bestPp[l].Eta:F3}, γ = {bestPp[l].Gamma:F3}) | {constructionLoss[l]:F4} | {constructionGap[l]:E2} |"));
        md.AppendLine();
        md.AppendLine("![loss vs layers](figures/icl-layers.png)");
        context.WriteText("icl-layers.md", md.ToString());

        context.SaveFigure(Figure(maxL, trainedLoss, gdLoss, ppLoss, constructionLoss, oneStep.Risk), "icl-layers");
        context.Report(1, "done");
    }

    private static Plot Figure(int maxL, double[] trained, double[] gd, double[] pp, double[] construction, double oneStepRisk)
    {
        var plot = new Plot();
        double[] xs = Enumerable.Range(1, maxL).Select(l => (double)l).ToArray();
        double[] Log(double[] v) => v.Skip(1).Take(maxL).Select(Math.Log10).ToArray();
        var g = plot.Add.ScatterLine(xs, Log(gd));
        g.LegendText = "GD, η tuned per L (MathNet)";
        g.LineWidth = 2;
        var p = plot.Add.Scatter(xs, Log(pp));
        p.LegendText = "GD++, (η, γ) tuned per L (MathNet)";
        p.LineWidth = 2;
        p.LinePattern = LinePattern.Dashed;
        var t = plot.Add.Scatter(xs, Log(trained));
        t.LegendText = "trained LSA (independent layers)";
        t.LineWidth = 2;
        t.MarkerSize = 8;
        var c = plot.Add.ScatterPoints(xs, Log(construction));
        c.LegendText = "GD construction via LSA module";
        c.MarkerShape = MarkerShape.OpenCircle;
        c.MarkerSize = 14;
        var r = plot.Add.HorizontalLine(Math.Log10(oneStepRisk));
        r.LinePattern = LinePattern.Dotted;
        r.LegendText = Inv($"one-step optimum R* = {oneStepRisk:F3}");
        IclPreconditionerExperiment.LogTicks(plot);
        // A diverged or blown-up trained stack (NaN or huge) must not squash the comparison: clip the view to the baselines' range.
        double lo = new[] { gd, pp, construction, trained }.SelectMany(v => v.Skip(1).Take(maxL)).Where(double.IsFinite).Min();
        double gdMax = gd.Skip(1).Take(maxL).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double hi = new[] { gd, trained, pp }.SelectMany(v => v.Skip(1).Take(maxL)).Where(double.IsFinite).Append(oneStepRisk).Max();
        plot.Axes.SetLimitsY(Math.Log10(lo) - 0.1, Math.Log10(Math.Min(10 * gdMax, hi)) + 0.1);
        plot.Axes.SetLimitsX(0.7, maxL + 0.3);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Title("In-context loss vs layers, (G) x ~ N(0, I/12), d = N = 10");
        plot.XLabel("layers / steps L");
        plot.YLabel("test MSE (log scale)");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.Legend.FontSize = 10;
        return plot;
    }

    private static double[] PerLayerLosses(HeldOutPrompts prompts, LinearTransformer stack, int maxL)
    {
        var losses = Enumerable.Repeat(double.PositiveInfinity, maxL + 1).ToArray();
        try
        {
            var readouts = prompts.PredictPerLayer(stack);
            for (int l = 1; l <= maxL; l++)
            {
                double mse = TrainedAttention.Mse(readouts[l], prompts.Targets);
                losses[l] = double.IsFinite(mse) ? mse : double.PositiveInfinity;
            }
        }
        catch (ArgumentException)
        {
            // A divergent setting overflowed to a non-finite prompt (the layers refuse it): all depths count as diverged.
        }
        return losses;
    }

    private static double[] Grid(double min, double max, int count) =>
        count == 1 ? [min] : Enumerable.Range(0, count).Select(i => min + (max - min) * i / (count - 1)).ToArray();

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Size of <see cref="IclLayersExperiment"/> (von Oswald et al. 2022, arXiv:2212.07677; spec 6.3).</summary>
/// <param name="MaxLayers">Depths <c>L = 1..MaxLayers</c>.</param>
/// <param name="Steps">Adam steps per depth.</param>
/// <param name="BatchSize">Fresh tasks per step.</param>
/// <param name="LearningRate">Initial Adam learning rate.</param>
/// <param name="HalvingInterval">Halve the learning rate every this many steps.</param>
/// <param name="TuningPrompts">Prompts of the GD / GD++ tuning set.</param>
/// <param name="TestPrompts">Prompts of the test set.</param>
/// <param name="EtaMin">Smallest <c>η</c> of the grid.</param>
/// <param name="EtaMax">Largest <c>η</c> of the grid.</param>
/// <param name="EtaCount">Points of the <c>η</c> grid.</param>
/// <param name="GammaMax">Largest GD++ <c>γ</c> (the grid starts at 0, i.e. plain GD).</param>
/// <param name="GammaCount">Points of the <c>γ</c> grid.</param>
/// <param name="InitStd">Standard deviation of the initial <c>P, Q</c> entries.</param>
/// <param name="GradientClipNorm">Global gradient-norm clip, or <c>null</c>.</param>
/// <param name="InputVariance">Input variance <c>s</c>, <c>Σ = s I</c> (default <c>1/12</c>, that of U(−0.5, 0.5)).</param>
public sealed record IclLayersSettings(int MaxLayers, int Steps, int BatchSize, double LearningRate, int HalvingInterval,
    int TuningPrompts, int TestPrompts, double EtaMin, double EtaMax, int EtaCount, double GammaMax, int GammaCount,
    double InitStd = 1e-3, double? GradientClipNorm = null, double InputVariance = 1.0 / 12)
{
    /// <summary>The <c>reproduce</c> size (a few minutes on 2 CPU cores).</summary>
    public static IclLayersSettings Full { get; } = new(6, 3000, 1024, 1e-3, 1000, 4000, 20_000, 0.3, 36, 120, 2.4, 13, InitStd: 1e-3, GradientClipNorm: 1.0);

    /// <summary>A smoke-test size (seconds): two depths, a handful of steps, coarse grids.</summary>
    public static IclLayersSettings Tiny { get; } = new(2, 20, 128, 5e-3, 10, 200, 300, 1, 6, 5, 1.2, 3);
}
