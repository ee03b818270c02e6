using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Training;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Experiments;

/// <summary>
/// <c>reproduce icl-layers</c>: in-context loss against depth <c>K = 1..MaxLayers</c> for trained linear self-attention
/// stacks (independent weights, trained per <c>K</c> from several seeds), <c>K</c> steps of gradient descent with <c>η</c>
/// tuned per <c>K</c>, <c>K</c> steps of GD++ with <c>(η, γ)</c> tuned per <c>K</c>, and the GD weight construction
/// evaluated through the TorchSharp module — the figure of von Oswald et al. 2022, arXiv:2212.07677, Sec. 3–4 (trained
/// Transformers vs GD and GD++ over layers; spec 6.3), with their "model alignment" (cosine between the trained model's
/// and GD's sensitivity <c>∂ŷ/∂x_q</c>).
/// </summary>
/// <remarks>
/// Data (U) of spec 2.9, [VO]'s: i.i.d. input coordinates <c>x_j ~ U(−a, a)</c>, <c>a = 0.5</c>, <c>w ~ N(0, I)</c>,
/// <c>d = N = 10</c>, noiseless; the training batches come from <see cref="RegressionPromptSampler.Uniform"/> and the
/// tuning and test prompts from the MathNet generator with <see cref="RegressionDataModel.Uniform"/>, so test data
/// matches training data. One-layer optimum (spec 3.6, last bullet, and 7.8): <c>η* = 200/33</c>, plain MSE
/// <c>0.412458</c> (half-MSE <c>0.206229</c>). Hyper-parameters of GD / GD++ are tuned on a separate seeded tuning set
/// through the constructions (float64) and then evaluated on the test set with the MathNet oracle
/// (<see cref="GradientDescent"/>, <see cref="GdPlusPlus"/>); the GD construction at the tuned <c>η</c> is also run on
/// the test set through <see cref="LinearTransformer"/> and must equal the oracle (its largest prediction difference is
/// reported). Losses are plain MSE (half of it is [VO]'s half-MSE). Trained models: Adam, float32 unless
/// <see cref="IclLayersSettings.TrainInFloat64"/>, evaluated in float64; the table gives the mean over seeds, their
/// standard deviation and range. An <c>L</c>-layer LSA is a polynomial of degree <c>3^L</c> in the tokens, so deep
/// stacks are sensitive to the learning rate (spec 8, "Float32").
/// </remarks>
public sealed class IclLayersExperiment : IExperiment
{
    private const int InputDim = 10, ContextLength = 10;

    /// <summary>The registry's instance: full size (<see cref="IclLayersSettings.Full"/>).</summary>
    public IclLayersExperiment() : this(IclLayersSettings.Full) { }

    /// <summary>An instance with explicit settings (tests use <see cref="IclLayersSettings.Tiny"/>).</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public IclLayersExperiment(IclLayersSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxLayers < 1) throw new ArgumentException("MaxLayers must be ≥ 1.", nameof(settings));
        if (settings.Seeds < 1) throw new ArgumentException("Seeds must be ≥ 1.", nameof(settings));
        if (!(settings.HalfWidth > 0) || !double.IsFinite(settings.HalfWidth)) throw new ArgumentException("HalfWidth must be finite and > 0.", nameof(settings));
        if (!(settings.InitScale > 0) || !double.IsFinite(settings.InitScale)) throw new ArgumentException("InitScale must be finite and > 0.", nameof(settings));
        if (settings.DivergenceRestarts is < 0 or > 10) throw new ArgumentException("DivergenceRestarts must be in 0..10.", nameof(settings));
        if (settings.Parallelism < 0) throw new ArgumentException("Parallelism must be ≥ 0 (0: the processor count).", nameof(settings));
        if (settings.AlignmentPrompts < 1 || settings.AlignmentPrompts > settings.TestPrompts)
            throw new ArgumentException("AlignmentPrompts must be in 1..TestPrompts.", nameof(settings));
        Settings = settings;
    }

    /// <summary>The settings.</summary>
    public IclLayersSettings Settings { get; }

    /// <inheritdoc />
    public string Name => "icl-layers";

    /// <inheritdoc />
    public string Description =>
        "In-context loss vs layers: trained LSA (5 seeds) vs tuned GD vs tuned GD++ vs the GD construction, data (U) a=0.5, d=N=10 (von Oswald et al. 2022, arXiv:2212.07677; spec 6.3).";

    /// <inheritdoc />
    public void Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = Settings;
        int maxL = s.MaxLayers, seeds = s.Seeds;
        var options = new RegressionTaskOptions(InputDim, ContextLength) { Model = RegressionDataModel.Uniform, UniformHalfWidth = s.HalfWidth };
        var oneStep = OptimalStepSize.Uniform(InputDim, ContextLength, s.HalfWidth);
        using var tuning = new HeldOutPrompts(options, s.TuningPrompts, context.Seed + 3_000_017, context.Device);
        using var test = new HeldOutPrompts(options, s.TestPrompts, context.Seed + 4_000_037, context.Device);

        // 1. GD: tune η per K on the tuning set (construction, float64), one shared-layer stack of depth maxL per η.
        context.Report(0.01, "tuning GD");
        var gdEtas = Grid(s.EtaMin, s.EtaMax, s.EtaCount);
        var bestGd = Enumerable.Range(0, maxL + 1).Select(_ => (Eta: double.NaN, Loss: double.PositiveInfinity)).ToArray();
        foreach (double eta in gdEtas)
        {
            using var stack = GradientDescentConstruction.Build(InputDim, maxL, eta, device: context.Device);
            var losses = PerLayerLosses(tuning, stack, maxL);
            for (int l = 1; l <= maxL; l++) if (losses[l] < bestGd[l].Loss) bestGd[l] = (eta, losses[l]);
        }

        // 2. GD++: tune (η, γ) per K (same η and γ in every layer, spec 3.3).
        context.Report(0.02, "tuning GD++");
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
        context.Report(0.04, "evaluating GD / GD++ (MathNet oracle) and the GD construction");
        var gdLoss = new double[maxL + 1];
        var gdLossSe = new double[maxL + 1];
        var ppLoss = new double[maxL + 1];
        var ppLossSe = new double[maxL + 1];
        var gdMedian = new double[maxL + 1];
        var ppMedian = new double[maxL + 1];
        var constructionLoss = new double[maxL + 1];
        var constructionGap = new double[maxL + 1];
        var gdSensitivity = new Tensor[maxL + 1];
        for (int l = 1; l <= maxL; l++)
        {
            double eta = bestGd[l].Eta;
            var gd = test.Tasks.Select(t => GradientDescent.Run(t.X, t.YVector, t.Xq, eta, l).Prediction(l)).ToArray();
            (gdLoss[l], gdLossSe[l]) = TrainedAttention.MseWithError(gd, test.Targets);
            gdMedian[l] = MedianSquaredError(gd, test.Targets);
            var (ppEta, ppGamma, _) = bestPp[l];
            var pp = test.Tasks.Select(t => GdPlusPlus.RunTokens(t.X, t.YVector, t.Xq, ppEta, ppGamma, l).Predictions[l]).ToArray();
            (ppLoss[l], ppLossSe[l]) = TrainedAttention.MseWithError(pp, test.Targets);
            ppMedian[l] = MedianSquaredError(pp, test.Targets);
            using var construction = GradientDescentConstruction.Build(InputDim, l, eta, device: context.Device);
            var viaModule = test.Predict(construction);
            constructionLoss[l] = TrainedAttention.Mse(viaModule, test.Targets);
            constructionGap[l] = viaModule.Zip(gd, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
            gdSensitivity[l] = test.QuerySensitivity(construction, s.AlignmentPrompts);
        }

        // 4. Trained LSA stacks: one per K and seed, trained from scratch. The (K, seed) runs share a pool of workers,
        //    each run on its own managed thread with one intra-op torch thread (the ops are small; a second torch thread
        //    only spins), so a run's result does not depend on how many run at once. A run whose loss overflows restarts
        //    from the same initialisation and data with half the learning rate, at most DivergenceRestarts times.
        var trainDType = s.TrainInFloat64 ? ScalarType.Float64 : ScalarType.Float32;
        var trained = new double[maxL + 1][];
        var trainedMedian = new double[maxL + 1][];
        var alignment = new double[maxL + 1][];
        var trainSeconds = new double[maxL + 1];
        var divergedRuns = new int[maxL + 1];
        var restarts = new int[maxL + 1][];
        var histories = new IReadOnlyList<double>?[maxL + 1][];
        var curves = new double[maxL + 1][];
        for (int l = 1; l <= maxL; l++)
        {
            trained[l] = new double[seeds];
            trainedMedian[l] = new double[seeds];
            alignment[l] = new double[seeds];
            restarts[l] = new int[seeds];
            histories[l] = new IReadOnlyList<double>?[seeds];
        }
        var jobs = Enumerable.Range(1, maxL).SelectMany(l => Enumerable.Range(0, seeds).Select(seed => (Depth: l, Seed: seed))).ToArray();
        var jobDone = new bool[maxL + 1, seeds];
        var jobProgress = new double[jobs.Length];
        double totalWork = jobs.Sum(j => (double)j.Depth);
        var progressLock = new object();
        int workers = Math.Clamp(s.Parallelism > 0 ? s.Parallelism : Environment.ProcessorCount, 1, jobs.Length);
        int nextDepth = 1;
        using var sampler = RegressionPromptSampler.Uniform(InputDim, ContextLength, s.HalfWidth, dtype: trainDType, device: context.Device);
        TorchThreads.Single(() =>
        {
            Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, j =>
            {
                var (l, seed) = jobs[j];
                TrainOne(j, l, seed);
                lock (progressLock)
                {
                    jobDone[l, seed] = true;
                    // Outputs after every finished depth, so that an interrupted full run leaves its finished depths behind.
                    while (nextDepth <= maxL && Enumerable.Range(0, seeds).All(x => jobDone[nextDepth, x]))
                    {
                        curves[nextDepth] = MeanCurve(histories[nextDepth].Where(h => h is not null).Select(h => h!).ToList(), s.Steps);
                        divergedRuns[nextDepth] = trained[nextDepth].Count(double.IsNaN);
                        if (nextDepth < maxL) WriteOutputs(nextDepth);
                        nextDepth++;
                    }
                }
            });
            return 0;
        });
        foreach (var t in gdSensitivity) t?.Dispose();

        // 5. Outputs.
        context.Report(0.99, "writing figures and tables");
        WriteOutputs(maxL);
        context.Report(1, "done");

        void TrainOne(int job, int l, int seed)
        {
            int baseSeed = context.Seed + 1000 * seed;
            for (int attempt = 0; ; attempt++)
            {
                double lr = s.LearningRate * Math.Pow(0.5, attempt);
                var layers = Enumerable.Range(0, l)
                    .Select(i => LinearSelfAttention.RandomMerged(InputDim + 1, initStd: s.InitScale / l, seed: baseSeed + 100 * l + i, dtype: trainDType, device: context.Device))
                    .ToList();
                try
                {
                    using var model = new LinearTransformer(layers);
                    var trainer = new InContextTrainer(new InContextTrainingOptions
                    {
                        Steps = s.Steps, BatchSize = s.BatchSize, LearningRate = lr,
                        LearningRateHalvingInterval = s.HalvingInterval, LearningRateHalvingStart = s.HalvingStart,
                        GradientClipNorm = s.GradientClipNorm, Beta2 = s.Beta2, Seed = baseSeed + l, ProgressInterval = Math.Max(1, s.Steps / 50),
                    });
                    string retry = attempt > 0 ? Inv($", restart {attempt} at lr {lr:G3}") : "";
                    var result = trainer.Train(model, sampler, (step, loss) =>
                    {
                        lock (progressLock)
                        {
                            jobProgress[job] = l * (double)step / s.Steps;
                            context.Report(0.06 + 0.93 * jobProgress.Sum() / totalWork,
                                Inv($"training K = {l}, seed {seed + 1}/{seeds}{retry} ({workers} runs at a time): step {step}/{s.Steps}, loss {loss:F4}"));
                        }
                    });
                    lock (progressLock) trainSeconds[l] += result.Elapsed.TotalSeconds;
                    if (result.Diverged)
                    {
                        if (attempt < s.DivergenceRestarts) continue;
                        restarts[l][seed] = attempt;
                        trained[l][seed] = trainedMedian[l][seed] = alignment[l][seed] = double.NaN;
                        return;
                    }
                    restarts[l][seed] = attempt;
                    histories[l][seed] = result.LossHistory;
                    var prediction = test.Predict(model);
                    trained[l][seed] = TrainedAttention.Mse(prediction, test.Targets);
                    trainedMedian[l][seed] = MedianSquaredError(prediction, test.Targets);
                    using var model64 = TrainedAttention.ToFloat64(model, context.Device);
                    using var sensitivity = test.QuerySensitivity(model64, s.AlignmentPrompts);
                    alignment[l][seed] = MeanCosine(sensitivity, gdSensitivity[l]);
                    return;
                }
                finally
                {
                    foreach (var layer in layers) layer.Dispose();
                    lock (progressLock) jobProgress[job] = l;
                }
            }
        }

        void WriteOutputs(int upTo)
        {
            var stats = Enumerable.Range(0, upTo + 1).Select(l => l == 0 ? default : Summary(trained[l])).ToArray();
            var align = Enumerable.Range(0, upTo + 1).Select(l => l == 0 ? default : Summary(alignment[l])).ToArray();
            var csv = new StringBuilder("layers,trained_mse_mean,trained_mse_std,trained_mse_min,trained_mse_max,trained_runs,diverged_runs,trained_mse_per_seed,gd_mse,gd_se,gd_eta,gdpp_mse,gdpp_se,gdpp_eta,gdpp_gamma,gd_construction_mse,gd_construction_max_rel_diff,alignment_cos_mean,alignment_cos_min,train_seconds,trained_median_se_per_seed,gd_median_se,gdpp_median_se,restarts_per_seed\n");
            for (int l = 1; l <= upTo; l++)
                csv.AppendLine(Inv($"{l},{stats[l].Mean:R},{stats[l].Std:R},{stats[l].Min:R},{stats[l].Max:R},{stats[l].Count},{divergedRuns[l]},{string.Join(' ', trained[l].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{gdLoss[l]:R},{gdLossSe[l]:R},{bestGd[l].Eta:R},{ppLoss[l]:R},{ppLossSe[l]:R},{bestPp[l].Eta:R},{bestPp[l].Gamma:R},{constructionLoss[l]:R},{constructionGap[l]:E3},{align[l].Mean:R},{align[l].Min:R},{trainSeconds[l]:F1},{string.Join(' ', trainedMedian[l].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{gdMedian[l]:R},{ppMedian[l]:R},{string.Join(' ', restarts[l])}"));
            context.WriteText("icl-layers.csv", csv.ToString());

            var md = new StringBuilder();
            md.AppendLine("# icl-layers: in-context loss vs depth (von Oswald et al. 2022, arXiv:2212.07677; spec 6.3)");
            if (upTo < maxL) { md.AppendLine(); md.AppendLine(Inv($"**Partial: depths K = 1..{upTo} of {maxL} are finished; the run goes on.**")); }
            md.AppendLine();
            md.AppendLine(Inv($"Data (U): x ~ U(-{s.HalfWidth:G3}, {s.HalfWidth:G3})^{InputDim}, w ~ N(0, I), d = {InputDim}, N = {ContextLength}, noiseless. Plain MSE on {s.TestPrompts} seeded test prompts (float64); GD/GD++ tuned on {s.TuningPrompts} separate prompts (η grid {s.EtaMin:G3}..{s.EtaMax:G3}, {s.EtaCount} points; γ grid 0..{s.GammaMax:G3}, {s.GammaCount} points)."));
            string schedule = s.HalvingInterval > 0 ? Inv($"halved every {s.HalvingInterval} steps from step {(s.HalvingStart > 0 ? s.HalvingStart : s.HalvingInterval)}") : "constant";
            md.AppendLine(Inv($"Trained LSA: independent merged full P, Q per layer, one head, init std {s.InitScale:G3}/K, from scratch per K and seed, Adam lr {s.LearningRate:G3} ({schedule}), β₂ = {s.Beta2:G3}, {s.Steps} steps, batch {s.BatchSize}, clip {s.GradientClipNorm?.ToString("G3", CultureInfo.InvariantCulture) ?? "none"}, {(s.TrainInFloat64 ? "float64" : "float32")}, {seeds} seeds per K; a run whose loss overflows restarts from the same initialisation and data at half the learning rate (at most {s.DivergenceRestarts} times)."));
            md.AppendLine(Inv($"One-layer theory (spec 3.6 / 7.8): η* = {oneStep.Eta:F6}, R* = {oneStep.Risk:F6} (half-MSE {oneStep.HalfMse:F6})."));
            md.AppendLine();
            md.AppendLine("| K | trained LSA, mean ± std over seeds [min, max] | GD (η) | GD++ (η, γ) | median squared error: trained (mean over seeds) / GD / GD++ | GD construction (module) | max rel. diff construction vs GD | alignment cos(∂ŷ/∂x_q) trained vs GD |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            for (int l = 1; l <= upTo; l++)
            {
                string runs = (divergedRuns[l] > 0 ? Inv($" ({divergedRuns[l]} of {seeds} diverged)") : "")
                    + (restarts[l].Sum() > 0 ? Inv($" ({restarts[l].Sum()} restarts at a lower learning rate)") : "");
                md.AppendLine(Inv($"| {l} | {stats[l].Mean:F4} ± {stats[l].Std:F4} [{stats[l].Min:F4}, {stats[l].Max:F4}]{runs} | {gdLoss[l]:F4} ± {gdLossSe[l]:F4} (η = {bestGd[l].Eta:F3}) | {ppLoss[l]:F4} ± {ppLossSe[l]:F4} (η = {bestPp[l].Eta:F3}, γ = {bestPp[l].Gamma:F3}) | {Summary(trainedMedian[l]).Mean:F4} / {gdMedian[l]:F4} / {ppMedian[l]:F4} | {constructionLoss[l]:F4} | {constructionGap[l]:E2} | {align[l].Mean:F4} (min {align[l].Min:F4}) |"));
            }
            md.AppendLine();
            md.AppendLine("Checks (spec 6.3, on the mean over seeds):");
            double half1 = stats[1].Mean / 2, rel1 = half1 / oneStep.HalfMse - 1;
            md.AppendLine(Inv($"- K = 1: trained half-MSE {half1:F5} vs {oneStep.HalfMse:F5} ({rel1:+0.0%;-0.0%}; tolerance ±2%): {(Math.Abs(rel1) <= 0.02 ? "holds" : "fails")}; alignment {align[1].Mean:F4} (expected > 0.99)."));
            for (int l = 2; l <= upTo; l++)
            {
                double median = MedianOf(trained[l].Where(double.IsFinite).ToArray());
                md.AppendLine(Inv($"- K = {l}: trained {stats[l].Mean:F4} {(stats[l].Mean <= gdLoss[l] ? "≤" : ">")} GD {gdLoss[l]:F4}; trained / GD++ = {stats[l].Mean / ppLoss[l]:F3}; median over seeds {median:F4} ({median / ppLoss[l]:F3} × GD++)."));
            }
            bool decreasing(double[] v) => Enumerable.Range(2, upTo - 1).All(l => v[l] < v[l - 1]);
            var trainedMeans = stats.Select(x => x.Mean).ToArray();
            md.AppendLine(Inv($"- Decreasing in K: trained {decreasing(trainedMeans)}, GD {decreasing(gdLoss)}, GD++ {decreasing(ppLoss)}."));
            md.AppendLine();
            md.AppendLine("![loss vs layers](figures/icl-layers.png)");
            md.AppendLine();
            md.AppendLine("![training loss](figures/icl-layers-training.png)");
            context.WriteText("icl-layers.md", md.ToString());

            context.SaveFigure(Figure(upTo, trained, trainedMeans, gdLoss, ppLoss, constructionLoss, oneStep.Risk, s.HalfWidth), "icl-layers");
            context.SaveFigure(TrainingFigure(upTo, curves, gdLoss, ppLoss), "icl-layers-training");
        }
    }

    private static (double Mean, double Std, double Min, double Max, int Count) Summary(double[] values)
    {
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length == 0) return (double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return (mean, std, v.Min(), v.Max(), v.Length);
    }

    /// <summary>The median of <paramref name="v"/>; NaN when it is empty.</summary>
    private static double MedianOf(double[] v)
    {
        if (v.Length == 0) return double.NaN;
        var o = v.Order().ToArray();
        return o.Length % 2 == 1 ? o[o.Length / 2] : 0.5 * (o[o.Length / 2 - 1] + o[o.Length / 2]);
    }

    /// <summary>
    /// Median over prompts of the squared error. With <c>N = d</c> the context Gram is often nearly singular, so every
    /// method's per-prompt error is heavy-tailed (the mean is several times the median); the median shows whether a
    /// trained stack is worse on typical prompts or only on the tail.
    /// </summary>
    private static double MedianSquaredError(IReadOnlyList<double> prediction, IReadOnlyList<double> target) =>
        MedianOf(prediction.Select((p, i) => (p - target[i]) * (p - target[i])).ToArray());

    /// <summary>Mean over prompts of the cosine between two <c>(M, d)</c> sensitivity tensors.</summary>
    private static double MeanCosine(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var dot = (a * b).sum(1);
        var norms = a.norm(1) * b.norm(1);
        return (dot / norms.clamp_min(1e-300)).mean().item<double>();
    }

    /// <summary>Mean over runs of the training loss, smoothed over windows of <c>steps/100</c> steps; <c>null</c> when no run finished.</summary>
    private static double[] MeanCurve(List<IReadOnlyList<double>> histories, int steps)
    {
        if (histories.Count == 0) return [];
        int window = Math.Max(1, steps / 100), points = steps / window;
        var curve = new double[points];
        for (int p = 0; p < points; p++)
        {
            double sum = 0;
            foreach (var h in histories)
                for (int i = p * window; i < (p + 1) * window; i++) sum += h[i];
            curve[p] = sum / (window * histories.Count);
        }
        return curve;
    }

    private static Plot Figure(int maxL, double[][] trained, double[] trainedMean, double[] gd, double[] pp, double[] construction, double oneStepRisk, double halfWidth)
    {
        var plot = new Plot();
        double[] xs = Enumerable.Range(1, maxL).Select(l => (double)l).ToArray();
        double[] Log(double[] v) => v.Skip(1).Take(maxL).Select(Math.Log10).ToArray();
        var g = plot.Add.ScatterLine(xs, Log(gd));
        g.LegendText = "GD, η tuned per K (MathNet)";
        g.LineWidth = 2;
        var p = plot.Add.Scatter(xs, Log(pp));
        p.LegendText = "GD++, (η, γ) tuned per K (MathNet)";
        p.LineWidth = 2;
        p.LinePattern = LinePattern.Dashed;
        var t = plot.Add.Scatter(xs, Log(trainedMean));
        t.LegendText = "trained LSA, mean over seeds";
        t.LineWidth = 2;
        t.MarkerSize = 8;
        // The median over seeds: one seed whose test MSE is carried by a few extreme prompts moves the mean, not this.
        double[] trainedMedianOverSeeds = Enumerable.Range(0, maxL + 1)
            .Select(l => l == 0 ? double.NaN : MedianOf(trained[l].Where(double.IsFinite).ToArray())).ToArray();
        var tm = plot.Add.Scatter(xs, Log(trainedMedianOverSeeds));
        tm.LegendText = "trained LSA, median over seeds";
        tm.LineWidth = 2;
        tm.LinePattern = LinePattern.Dotted;
        tm.MarkerShape = MarkerShape.FilledSquare;
        tm.MarkerSize = 7;
        tm.Color = t.Color;
        var seedXs = new List<double>();
        var seedYs = new List<double>();
        for (int l = 1; l <= maxL; l++)
            foreach (double v in trained[l].Where(v => double.IsFinite(v) && v > 0)) { seedXs.Add(l + 0.08); seedYs.Add(Math.Log10(v)); }
        if (seedXs.Count > 0)
        {
            var sp = plot.Add.ScatterPoints(seedXs.ToArray(), seedYs.ToArray());
            sp.LegendText = "trained LSA, each seed";
            sp.MarkerShape = MarkerShape.FilledDiamond;
            sp.MarkerSize = 5;
            sp.Color = t.Color.WithAlpha(0.6);
        }
        var c = plot.Add.ScatterPoints(xs, Log(construction));
        c.LegendText = "GD construction via LSA module";
        c.MarkerShape = MarkerShape.OpenCircle;
        c.MarkerSize = 14;
        var r = plot.Add.HorizontalLine(Math.Log10(oneStepRisk));
        r.LinePattern = LinePattern.Dotted;
        r.LegendText = Inv($"one-step optimum R* = {oneStepRisk:F3}");
        IclPreconditionerExperiment.LogTicks(plot);
        // A diverged or blown-up trained stack (NaN or huge) must not squash the comparison: clip the view to the baselines' range.
        var all = new[] { gd, pp, construction, trainedMean, trainedMedianOverSeeds }.SelectMany(v => v.Skip(1).Take(maxL)).Concat(seedYs.Select(y => Math.Pow(10, y)));
        double lo = all.Where(v => double.IsFinite(v) && v > 0).Min();
        double gdMax = gd.Skip(1).Take(maxL).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double hi = all.Where(double.IsFinite).Append(oneStepRisk).Max();
        plot.Axes.SetLimitsY(Math.Log10(lo) - 0.1, Math.Log10(Math.Min(10 * gdMax, hi)) + 0.1);
        plot.Axes.SetLimitsX(0.7, maxL + 0.3);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Title(Inv($"In-context loss vs layers, (U) x ~ U(-{halfWidth:G3}, {halfWidth:G3})^10, d = N = 10"));
        plot.XLabel("layers / steps K");
        plot.YLabel("test MSE (log scale)");
        plot.ShowLegend(Edge.Bottom);  // outside the data area: the low-K region is where the curves meet
        plot.Legend.FontSize = 10;
        return plot;
    }

    private static Plot TrainingFigure(int maxL, double[][] curves, double[] gd, double[] pp)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int l = 1; l <= maxL; l++)
        {
            var curve = curves[l];
            if (curve.Length == 0) continue;
            var color = palette.GetColor(l - 1);
            double[] xs = Enumerable.Range(0, curve.Length).Select(i => (i + 0.5) / curve.Length).ToArray();
            var line = plot.Add.ScatterLine(xs, curve.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray());
            line.LegendText = Inv($"K = {l}");
            line.Color = color;
            line.LineWidth = 2;
            var level = plot.Add.HorizontalLine(Math.Log10(pp[l]));
            level.Color = color.WithAlpha(0.7);
            level.LinePattern = LinePattern.Dashed;
            level.LineWidth = 1;
        }
        IclPreconditionerExperiment.LogTicks(plot);
        double lo = Enumerable.Range(1, maxL).Select(l => pp[l]).Where(v => v > 0 && double.IsFinite(v)).DefaultIfEmpty(0.1).Min();
        plot.Axes.SetLimitsY(Math.Log10(lo) - 0.15, Math.Log10(2.0));
        plot.Title("Training loss (batch MSE, mean over seeds); dashed: GD++(K) test MSE");
        plot.XLabel("fraction of training");
        plot.YLabel("MSE (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
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
/// <param name="MaxLayers">Depths <c>K = 1..MaxLayers</c>.</param>
/// <param name="Steps">Adam steps per depth and seed.</param>
/// <param name="BatchSize">Fresh tasks per step.</param>
/// <param name="LearningRate">Initial Adam learning rate.</param>
/// <param name="HalvingInterval">Halve the learning rate every this many steps (0: constant).</param>
/// <param name="TuningPrompts">Prompts of the GD / GD++ tuning set.</param>
/// <param name="TestPrompts">Prompts of the test set.</param>
/// <param name="EtaMin">Smallest <c>η</c> of the grid.</param>
/// <param name="EtaMax">Largest <c>η</c> of the grid.</param>
/// <param name="EtaCount">Points of the <c>η</c> grid.</param>
/// <param name="GammaMax">Largest GD++ <c>γ</c> (the grid starts at 0, i.e. plain GD).</param>
/// <param name="GammaCount">Points of the <c>γ</c> grid.</param>
/// <param name="InitScale">Initial <c>P, Q</c> entries are <c>N(0, (InitScale/K)²)</c> ([VO]: 0.002/K).</param>
/// <param name="GradientClipNorm">Global gradient-norm clip, or <c>null</c>.</param>
/// <param name="HalfWidth">Half-width <c>a</c> of the uniform inputs <c>U(−a, a)</c> ([VO]: 0.5).</param>
/// <param name="Seeds">Independent trainings (initialisation and data) per depth; the table reports their mean and spread.</param>
/// <param name="HalvingStart">Step of the first halving (0: at <paramref name="HalvingInterval"/>), so the rate can decay late.</param>
/// <param name="TrainInFloat64">Train in float64 instead of float32.</param>
/// <param name="AlignmentPrompts">Test prompts on which the sensitivity <c>∂ŷ/∂x_q</c> is compared with GD's.</param>
/// <param name="Beta2">Adam <c>β₂</c>.</param>
/// <param name="DivergenceRestarts">
/// A run whose training loss becomes non-finite restarts from the same initialisation and data with half the learning
/// rate, at most this many times; the table counts the restarts, and a run that still overflows counts as diverged.
/// </param>
/// <param name="Parallelism">Seeds trained at once (each on one torch thread); 0: the processor count. Results do not depend on it.</param>
public sealed record IclLayersSettings(int MaxLayers, int Steps, int BatchSize, double LearningRate, int HalvingInterval,
    int TuningPrompts, int TestPrompts, double EtaMin, double EtaMax, int EtaCount, double GammaMax, int GammaCount,
    double InitScale = 0.002, double? GradientClipNorm = null, double HalfWidth = 0.5, int Seeds = 5, int HalvingStart = 0,
    bool TrainInFloat64 = false, int AlignmentPrompts = 2000, double Beta2 = 0.999, int DivergenceRestarts = 0, int Parallelism = 0)
{
    /// <summary>
    /// The <c>reproduce</c> size (about an hour on 2 quiet CPU cores): [VO]'s data, depths (to 6, as the issue asks), init
    /// and 5 seeds, the spec's 100 000 test prompts; training departs from [VO]'s (lr 1e-3 decayed ×0.9 every 500 steps)
    /// to fit a CPU budget: batch 512 and 16 000 Adam steps at lr 3e-3 (β₂ = 0.99), constant for 10 000 steps and then
    /// halved every 1 000, no gradient clipping, at most two restarts at half the rate when a run's loss overflows.
    /// Measured on <c>K = 3</c>, seed 0 (docs/attention.md): [VO]'s rate reached only 0.30 in this budget; clipping at
    /// norm 1 left single test prompts with squared errors of several hundred (it discounts exactly the rare prompts
    /// that dominate the mean); batch 2 048 with 4 000 steps reached 0.19, batch 512 with 16 000 steps 0.17 (GD++ 0.157).
    /// </summary>
    public static IclLayersSettings Full { get; } = new(6, 16_000, 512, 3e-3, 1000, 4000, 100_000, 0.25, 40, 100, 2.4, 13,
        InitScale: 0.002, GradientClipNorm: null, Seeds: 5, HalvingStart: 10_000, Beta2: 0.99, DivergenceRestarts: 2);

    /// <summary>A smoke-test size (seconds): two depths, two seeds, a handful of steps, coarse grids.</summary>
    public static IclLayersSettings Tiny { get; } = new(2, 20, 128, 5e-3, 10, 200, 300, 1, 12, 5, 1.2, 3, Seeds: 2, AlignmentPrompts: 100);
}
