using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Normalization;
using NeuralTheory.Numerics.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using NumericsIsometryGap = NeuralTheory.Numerics.Diagnostics.IsometryGap;

namespace NeuralTheory.Lab.Checks.Normalization;

/// <summary>
/// The measurements shared by the <c>norm.*</c> checks and <c>reproduce norm-depth</c> (spec normalization 6, Experiments
/// A-D). Every network is the library's <see cref="NormalizedMlp"/> in float64 on the CPU, and every diagnostic the library's
/// <see cref="TensorDiagnostics"/>; the mean-field predictions come from the Numerics layer (<see cref="DualKernel"/>,
/// <see cref="HermiteCoefficients"/>, <see cref="PredictedRates"/>).
/// </summary>
internal static class NormCheckSupport
{
    /// <summary>Seed offset of the input draws, so that inputs and weights come from different streams.</summary>
    private const ulong InputStream = 7_777_777UL;

    /// <summary>
    /// One trial of the chain <c>H_{ℓ+1} = BN(W_ℓ H_ℓ)/√d</c> of Daneshmand, Joudaki &amp; Bach 2021 (arXiv:2106.03970, Eq. 1;
    /// spec Experiment A): <c>O21Chain</c> = NormalizedMlp with BN0 <see cref="Bn0Scale.UnitFrobenius"/>, identity, Gaussian(1)
    /// weights, no readout; <c>H_0 = 1 1ᵀ + 0.1·N(0, 1)</c> scaled to unit Frobenius norm. Returns <c>V(H_ℓ)</c> for <c>ℓ = 0..L</c>.
    /// </summary>
    public static double[] OrthogonalityGaps(int width, int batch, int depth, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed + InputStream, CPU);
        var x = ones(batch, width, ScalarType.Float64) + 0.1 * randn([batch, width], ScalarType.Float64, generator: generator);
        x = x / x.norm();
        using var net = new NormalizedMlp(width, width, depth, MlpNorm.BatchNormTheory, MlpActivation.Identity,
            bn0Scale: Bn0Scale.UnitFrobenius, seed: seed);
        var (a, h) = net.Representations(x);
        var stacked = stack(h.Prepend(x).ToArray());                       // [L+1, n, d]
        var gaps = TensorDiagnostics.OrthogonalityGap(stacked).data<double>().ToArray();
        foreach (var t in a.Concat(h)) t.Dispose();
        return gaps;
    }

    /// <summary>Mean over <paramref name="trials"/> trials (seeds <c>baseSeed + 1000 d + t</c>, spec A) of <see cref="OrthogonalityGaps"/>.</summary>
    public static double[] MeanOrthogonalityGaps(int width, int batch, int depth, int trials, int baseSeed)
    {
        var sum = new double[depth + 1];
        for (int t = 0; t < trials; t++)
        {
            var v = OrthogonalityGaps(width, batch, depth, baseSeed + 1000L * width + t);
            for (int l = 0; l <= depth; l++) sum[l] += v[l] / trials;
        }
        return sum;
    }

    /// <summary>The configurations of spec Experiment B (Daneshmand et al. 2020, arXiv:2003.01652).</summary>
    public static readonly (string Label, MlpNorm Norm, MlpActivation Activation, double Scale, bool Normalized)[] RankConfigs =
    [
        ("linear vanilla", MlpNorm.None, MlpActivation.Identity, 1.0, false),
        ("linear BN0", MlpNorm.BatchNormTheory, MlpActivation.Identity, 1.0, true),
        ("linear BN", MlpNorm.BatchNorm, MlpActivation.Identity, 1.0, true),
        ("ReLU vanilla", MlpNorm.None, MlpActivation.Relu, Math.Sqrt(2), false),
        ("ReLU BN", MlpNorm.BatchNorm, MlpActivation.Relu, Math.Sqrt(2), true),
    ];

    /// <summary>
    /// Mean over trials (seeds <c>baseSeed + 7 + t</c>, spec B) of the participation rank <c>r₂</c> and the effective rank of
    /// <c>H_ℓ</c>, <c>ℓ = 0..L</c>, for one configuration; d = n, <c>H_0 ~ N(0, 1)</c>, NormAct. The vanilla nets are not rescaled:
    /// both ranks are scale-invariant and the Gaussian(1)/He weights keep the norm within float64 range at these depths.
    /// </summary>
    public static (double[] Participation, double[] Effective) MeanRanks(int config, int width, int depth, int trials, int baseSeed)
    {
        var (_, norm, activation, scale, _) = RankConfigs[config];
        var r2 = new double[depth + 1];
        var erank = new double[depth + 1];
        for (int t = 0; t < trials; t++)
        {
            using var scope = NewDisposeScope();
            long seed = baseSeed + 7L + t;
            using var generator = new Generator((ulong)seed + InputStream, CPU);
            var x = randn([width, width], ScalarType.Float64, generator: generator);
            using var net = new NormalizedMlp(width, width, depth, norm, activation, gaussianScale: scale, seed: seed);
            var (a, h) = net.Representations(x);
            var stacked = stack(h.Prepend(x).ToArray());
            var p = TensorDiagnostics.ParticipationRank(stacked).data<double>().ToArray();
            var e = TensorDiagnostics.EffectiveRank(stacked).data<double>().ToArray();
            for (int l = 0; l <= depth; l++) { r2[l] += p[l] / trials; erank[l] += e[l] / trials; }
            foreach (var m in a.Concat(h)) m.Dispose();
        }
        return (r2, erank);
    }

    /// <summary>
    /// The input of spec Experiment C (the <c>create_input</c> of Joudaki et al.'s code, arXiv:2305.18399): <c>X ~ N(0, 1)</c>
    /// batch-first <c>[n, d]</c>, its largest singular value multiplied by 10 ("degeneracy 10"), then <see cref="TheoryNormalizations.RmsSampleNorm"/>.
    /// </summary>
    public static Tensor DegenerateInput(int batch, int width, long seed, double degeneracy = 10)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed + InputStream, CPU);
        var x = randn([batch, width], ScalarType.Float64, generator: generator);
        var (u, s, vh) = linalg.svd(x, fullMatrices: false);
        var boost = ones_like(s);
        boost[0] = degeneracy;
        var shaped = u.matmul(diag(s * boost)).matmul(vh);
        return TheoryNormalizations.RmsSampleNorm(shaped).MoveToOuterDisposeScope();
    }

    /// <summary>The activations of Experiment C with their dual kernels κ and linear fractions a_1 (spec 3.6, 7.4).</summary>
    public static (Func<double, double> Kernel, double LinearFraction) Kernel(MlpActivation activation) => activation switch
    {
        MlpActivation.Relu => (DualKernel.Relu, HermiteCoefficients.Relu(8).LinearFraction),
        MlpActivation.Sin => (DualKernel.Sin, HermiteCoefficients.Sin(8).LinearFraction),
        MlpActivation.Identity => (DualKernel.Identity, 1.0),
        _ => TanhSeriesKernel(),
    };

    /// <summary>
    /// κ of tanh as its Hermite series <c>Σ_{k=1}^{K} a_k ρ^k</c> (K = 41; spec 3.6: κ = Σ a_k ρ^k), cheap enough to iterate on
    /// many Gram matrices (the nested quadrature of <see cref="DualKernel.Tanh"/> costs ~10⁶ evaluations per call). The
    /// truncation error is at most the residual energy beyond K over Var σ.
    /// </summary>
    private static (Func<double, double>, double) TanhSeriesKernel()
    {
        var e = HermiteCoefficients.Tanh(41);
        var a = Enumerable.Range(0, e.MaxDegree + 1).Select(k => k == 0 ? 0 : e.EnergyFraction(k)).ToArray();
        return (rho =>
        {
            double r = Math.Clamp(rho, -1, 1), sum = 0, power = 1;
            for (int k = 1; k < a.Length; k++) { power *= r; sum += a[k] * power; }
            return sum;
        }, e.LinearFraction);
    }

    /// <summary>
    /// One trial of spec Experiment C (Joudaki et al. 2023, arXiv:2305.18399): <c>J23Net</c> = NormalizedMlp with LN0, ActNorm,
    /// <c>W ~ N(0, 1/d)</c>, on <see cref="DegenerateInput"/>. Returns the measured isometry gaps <c>φ(H_ℓ)</c> and the mean-field
    /// gaps <c>φ_MF(ℓ) = −log I(C_ℓ)</c> with <c>C_0 = H_0 H_0ᵀ/d</c> and <c>(C_ℓ)_ab = κ((C_{ℓ−1})_ab)</c> (spec 3.7), <c>ℓ = 0..L</c>.
    /// </summary>
    public static (double[] Measured, double[] MeanField) IsometryGaps(MlpActivation activation, int width, int batch, int depth, long seed)
    {
        using var scope = NewDisposeScope();
        var x = DegenerateInput(batch, width, seed);
        using var net = new NormalizedMlp(width, width, depth, MlpNorm.LayerNormTheory, activation, MlpOrder.ActNorm, seed: seed);
        var (a, h) = net.Representations(x);
        var measured = TensorDiagnostics.IsometryGap(stack(h.Prepend(x).ToArray())).data<double>().ToArray();
        foreach (var m in a.Concat(h)) m.Dispose();

        var g = x.matmul(x.t()) / width;
        var data = g.data<double>().ToArray();
        var c = Matrix<double>.Build.Dense(batch, batch);
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < batch; j++) c[i, j] = i == j ? 1.0 : 0.5 * (data[i * batch + j] + data[j * batch + i]);
        var kernel = Kernel(activation).Kernel;
        var meanField = new double[depth + 1];
        for (int l = 0; l <= depth; l++)
        {
            meanField[l] = NumericsIsometryGap.OfGram(c);
            if (l < depth) c = DualKernel.Step(c, kernel);
        }
        return (measured, meanField);
    }

    /// <summary>Trial means (seeds <c>baseSeed + 20000 + t</c>, spec C) of <see cref="IsometryGaps"/>.</summary>
    public static (double[] Measured, double[] MeanField) MeanIsometryGaps(MlpActivation activation, int width, int batch, int depth, int trials, int baseSeed)
    {
        var m = new double[depth + 1];
        var mf = new double[depth + 1];
        for (int t = 0; t < trials; t++)
        {
            var (a, b) = IsometryGaps(activation, width, batch, depth, baseSeed + 20000L + t);
            for (int l = 0; l <= depth; l++) { m[l] += a[l] / trials; mf[l] += b[l] / trials; }
        }
        return (m, mf);
    }

    /// <summary>A gradient configuration of spec Experiment D (Meterez et al. 2023, arXiv:2310.02012).</summary>
    public sealed record GradientConfig(string Label, MlpNorm Norm, MlpActivation Activation, bool Orthogonal, double GainExponent);

    /// <summary>The configurations of spec Experiment D's table.</summary>
    public static readonly GradientConfig[] GradientConfigs =
    [
        new("orthogonal, BN0, identity (M23Net)", MlpNorm.BatchNormTheory, MlpActivation.Identity, true, 0),
        new("Gaussian, BN0, identity", MlpNorm.BatchNormTheory, MlpActivation.Identity, false, 0),
        new("orthogonal, BN, identity", MlpNorm.BatchNorm, MlpActivation.Identity, true, 0),
        new("Gaussian, BN, identity", MlpNorm.BatchNorm, MlpActivation.Identity, false, 0),
        new("shaped tanh, e = 0", MlpNorm.BatchNorm, MlpActivation.Tanh, true, 0),
        new("shaped tanh, e = 0.4", MlpNorm.BatchNorm, MlpActivation.Tanh, true, 0.4),
        new("shaped sin, e = 0", MlpNorm.BatchNorm, MlpActivation.Sin, true, 0),
        new("shaped sin, e = 0.4", MlpNorm.BatchNorm, MlpActivation.Sin, true, 0.4),
    ];

    /// <summary>
    /// <c>log ‖∂Loss/∂W_1‖_F</c> of one trial of spec Experiment D: d = n = d_in, k = 10 readout, <c>X ~ N(0, 1)</c>, labels uniform
    /// in 0..9, mean cross-entropy, one backward pass (seed <c>baseSeed + 100 L + t</c>).
    /// </summary>
    public static double LogInputGradient(GradientConfig config, int width, int depth, long seed)
    {
        using var scope = NewDisposeScope();
        const int classes = 10;
        using var generator = new Generator((ulong)seed + InputStream, CPU);
        var x = randn([width, width], ScalarType.Float64, generator: generator);
        var y = randint(0, classes, [width], ScalarType.Int64, generator: generator);
        using var net = new NormalizedMlp(width, width, depth, config.Norm, config.Activation, orthogonal: config.Orthogonal,
            gainExponent: config.GainExponent, outputDim: classes, seed: seed);
        var norms = net.LayerGradNorms(x, z => nn.functional.cross_entropy(z, y));
        return Math.Log(norms[0]);
    }

    /// <summary>Mean and sample standard deviation over trials of <see cref="LogInputGradient"/>.</summary>
    public static (double Mean, double Sd) MeanLogInputGradient(GradientConfig config, int width, int depth, int trials, int baseSeed)
    {
        var v = Enumerable.Range(0, trials).Select(t => LogInputGradient(config, width, depth, baseSeed + 100L * depth + t)).ToArray();
        double mean = v.Average();
        double sd = trials > 1 ? Math.Sqrt(v.Sum(u => (u - mean) * (u - mean)) / (trials - 1)) : 0;
        return (mean, sd);
    }
}
