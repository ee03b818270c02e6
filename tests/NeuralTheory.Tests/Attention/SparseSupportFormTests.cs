using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>
/// The sparse-support Gram form (taken when the weights need no gradient and have zero rows/columns) against the dense
/// Gram form and the row form of spec 2.5, on random weights with random zero rows and columns.
/// </summary>
public class SparseSupportFormTests
{
    private static Arbitrary<(int Seed, int D, int N, int H, int B)> Shapes() =>
        (from seed in Gen.Choose(0, 1_000_000)
         from d in Gen.Choose(2, 9)
         from n in Gen.Choose(1, 12)
         from h in Gen.Choose(1, 3)
         from b in Gen.Choose(1, 3)
         select (seed, d, n, h, b)).ToArbitrary();

    [Property(MaxTest = 60)]
    public Property Sparse_form_equals_dense_and_row_forms_on_weights_with_zero_rows_and_columns() => Prop.ForAll(Shapes(), s =>
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)s.Seed);
        var z = randn([s.B, s.N + 1, s.D], dtype: ScalarType.Float64, generator: g);
        // Keep each row / column of P and Q with probability 1/2 (at least one of each).
        Tensor Masked(Tensor w)
        {
            var rows = (rand([s.D], generator: g) < 0.5).to_type(ScalarType.Float64);
            var cols = (rand([s.D], generator: g) < 0.5).to_type(ScalarType.Float64);
            rows[0] = 1; cols[^1] = 1;
            return w * rows.view(1, -1, 1) * cols.view(1, 1, -1);
        }
        var p = Masked(randn([s.H, s.D, s.D], dtype: ScalarType.Float64, generator: g));
        var q = Masked(randn([s.H, s.D, s.D], dtype: ScalarType.Float64, generator: g));

        Tensor dense, sparse;
        p.requires_grad_(true);
        dense = LinearAttentionFunctional.Forward(z, p, q).detach();   // weights need a gradient: dense form
        p = p.detach();
        using (no_grad())
            sparse = LinearAttentionFunctional.Forward(z, p, q);
        var row = LinearAttentionFunctional.ForwardRowForm(z, p, q);
        double scale = Math.Max(1, row.abs().max().item<double>());
        double e1 = (sparse - dense).abs().max().item<double>() / scale;
        double e2 = (sparse - row).abs().max().item<double>() / scale;
        return (e1 <= 1e-12 && e2 <= 1e-12).Label($"sparse vs dense {e1:E2}, sparse vs row {e2:E2}");
    });

    [Fact]
    public void Constructed_weights_take_the_sparse_form_and_dense_random_weights_do_not()
    {
        using var scope = NewDisposeScope();
        using var gd = GradientDescentConstruction.Build(16, 1, 0.1);
        var (p, q) = gd.Layer(0).MergedWeights();
        var support = WeightSupport.Of(p.dim() == 2 ? p.unsqueeze(0) : p, q.dim() == 2 ? q.unsqueeze(0) : q);
        Assert.True(support.IsSparse);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), support.QRows);
        Assert.Equal([16L], support.PColumns);
        Assert.Equal([16L], support.PRows);

        using var random = LinearSelfAttention.RandomMerged(17, heads: 2, initStd: 1, seed: 3, dtype: ScalarType.Float64);
        var (rp, rq) = random.MergedWeights();
        Assert.False(WeightSupport.Of(rp, rq).IsSparse);
    }
}
