using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Checks.Normalization;
using NeuralTheory.Lab.Verification;
using NeuralTheory.Normalization;
using NeuralTheory.Numerics.Diagnostics;
using TorchSharp;

namespace NeuralTheory.Lab.Tests;

/// <summary>The five <c>norm.*</c> checks of issue 6: registered under their published ids, pass on seed 0 in seconds, and fail on a wrong prediction or condition.</summary>
public class NormChecksTests
{
    private static readonly string[] PublishedIds =
    [
        "norm.bn-avoids-rank-collapse",
        "norm.bn-bounded-gradients",
        "norm.bn-orthogonality-decay",
        "norm.bn-width-floor",
        "norm.ln-isometry-rate",
    ];

    public static TheoryData<string> Ids => new(PublishedIds);

    [Theory]
    [MemberData(nameof(Ids))]
    public void Check_is_registered_and_passes_on_seed_0(string id)
    {
        var check = Assert.Single(CheckRegistry.Default.Checks, c => c.Id == id);
        Assert.Equal("norm", check.Area);
        using var dir = new TempDirectory();
        var result = Verifier.RunOne(check, new CheckContext(torch.CPU, 0, dir.Path));
        Assert.True(result.Passed, $"{id}: measured {result.Measured}, expected {result.Expected}, tolerance {result.Tolerance}; {result.Note}");
        Assert.InRange(result.Seconds, 0, 30);
        Assert.NotNull(result.FigurePath);
        Assert.True(File.Exists(Path.Combine(dir.Path, result.FigurePath!)), $"missing figure {result.FigurePath}");
    }

    [Fact]
    public void Norm_ids_are_exactly_the_published_ones()
    {
        var ids = CheckRegistry.Default.WithPrefix("norm.").Select(c => c.Id).ToList();
        Assert.Equal(PublishedIds.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public void The_checks_leave_the_torch_thread_count_as_they_found_it()
    {
        int before = torch.get_num_threads();
        using var dir = new TempDirectory();
        new BnOrthogonalityDecayCheck().Run(new CheckContext(torch.CPU, 0, dir.Path));
        Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void The_decay_ratio_rejects_a_wrong_batch_size_and_the_papers_bound_rate()
    {
        var v = TorchThreads.Single(() => BnOrthogonalityDecayCheck.Measure(0));
        double ratio = BnOrthogonalityDecayCheck.FittedRatio(v);
        Assert.True(BnOrthogonalityDecayCheck.Assess(ratio, PredictedRates.OrthogonalityGapContraction(8), "").Passed);
        // n/(n+2) for n = 16 (0.889), and Theorem 1's bound rate 1 − 2α/3 at the largest α = 1/n (0.917): not the measured rate.
        Assert.False(BnOrthogonalityDecayCheck.Assess(ratio, PredictedRates.OrthogonalityGapContraction(16), "").Passed);
        Assert.False(BnOrthogonalityDecayCheck.Assess(ratio, 1 - 2.0 / 3 / 8, "").Passed);
        // The fit is exact on a geometric sequence.
        Assert.Equal(0.7, BnOrthogonalityDecayCheck.FittedRatio(Enumerable.Range(0, 11).Select(l => 3 * Math.Pow(0.7, l)).ToArray()), 1e-12);
    }

    [Fact]
    public void The_width_floor_verdict_rejects_a_1_over_d_law_and_floors_10_percent_off()
    {
        var derived = BnWidthFloorCheck.Widths.Select(d => PredictedRates.OrthogonalityGapFloor(8, d)).ToArray();
        Assert.Equal(-0.5, BnWidthFloorCheck.FittedSlope(derived), 1e-12);
        Assert.True(BnWidthFloorCheck.Assess(derived.Select(f => f * 1.03).ToArray(), "").Passed);   // the spec's bands sit ~3% above the derived floor
        Assert.False(BnWidthFloorCheck.Assess(BnWidthFloorCheck.Widths.Select(d => 6.2 / d).ToArray(), "").Passed);   // slope −1
        Assert.False(BnWidthFloorCheck.Assess(derived.Select(f => f * 1.15).ToArray(), "").Passed);   // right slope, floors off
    }

    [Fact]
    public void The_rank_verdict_fails_before_the_vanilla_nets_have_collapsed()
    {
        var m = TorchThreads.Single(() => BnAvoidsRankCollapseCheck.Measure(0, depth: 20, trials: 4));
        var r2 = m.Select(x => x.R2[^1]).ToArray();
        var erank = m.Select(x => x.Erank[^1]).ToArray();
        Assert.True(r2[0] > 1.3, $"linear vanilla r2 at depth 20 = {r2[0]}");   // spec: 1.89 at l = 20
        Assert.False(BnAvoidsRankCollapseCheck.Assess(r2, erank, "").Passed);
    }

    [Fact]
    public void The_relu_isometry_rate_is_outside_the_band_of_the_sin_and_identity_predictions()
    {
        var (relu, reluMf) = TorchThreads.Single(() =>
            NormCheckSupport.MeanIsometryGaps(MlpActivation.Relu, LnIsometryRateCheck.Width, LnIsometryRateCheck.Batch, LnIsometryRateCheck.Depth, 2, 0));
        var (_, sinMf) = TorchThreads.Single(() =>
            NormCheckSupport.MeanIsometryGaps(MlpActivation.Sin, LnIsometryRateCheck.Width, LnIsometryRateCheck.Batch, LnIsometryRateCheck.Depth, 2, 0));
        double rate = LnIsometryRateCheck.Rate(relu);
        var own = LnIsometryRateCheck.Band(reluMf, LnIsometryRateCheck.Floor(MlpActivation.Relu));
        Assert.InRange(rate, own.Lo, own.Hi);
        Assert.Equal(reluMf[0], sinMf[0], 1e-12);   // the same inputs: the bands differ only by the Hermite expansion
        var sin = LnIsometryRateCheck.Band(sinMf, LnIsometryRateCheck.Floor(MlpActivation.Sin));
        Assert.False(rate >= sin.Lo && rate <= sin.Hi, $"ReLU rate {rate} inside sin's band [{sin.Lo}, {sin.Hi}]");
        var identity = Enumerable.Repeat(reluMf[0], reluMf.Length).ToArray();   // the identity's mean field keeps φ constant
        var id = LnIsometryRateCheck.Band(identity, LnIsometryRateCheck.Floor(MlpActivation.Sin));
        Assert.False(rate >= id.Lo && rate <= id.Hi);
    }

    [Fact]
    public void The_gradient_verdict_fails_when_the_orthogonal_and_gaussian_nets_are_swapped()
    {
        var orth = TorchThreads.Single(() => BnBoundedGradientsCheck.Measure(0, 0));
        var gauss = TorchThreads.Single(() => BnBoundedGradientsCheck.Measure(1, 0));
        Assert.True(BnBoundedGradientsCheck.Assess(orth, gauss, "").Passed);
        Assert.False(BnBoundedGradientsCheck.Assess(gauss, orth, "").Passed);
        Assert.False(BnBoundedGradientsCheck.Assess(orth, orth, "").Passed);
    }
}
