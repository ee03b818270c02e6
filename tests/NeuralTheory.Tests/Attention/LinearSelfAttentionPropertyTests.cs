using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using TorchSharp;
using static NeuralTheory.Tests.Attention.AttentionTestSupport;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>Spec Section 5 structural properties of the LSA layer and stack, over random instances (float64).</summary>
public class LinearSelfAttentionPropertyTests
{
    private const double Tol = 1e-12;

    [Property(MaxTest = 50)]
    public Property Merged_form_equals_separate_form_for_every_layer() => Prop.ForAll(AttentionGenerators.LsaCases(), c =>
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)c.Seed);
        var z = c.Prompt(g);
        var separate = new List<LinearSelfAttention>();
        for (int l = 0; l < c.Layers; l++)
            separate.Add(new LinearSelfAttention(c.Weight(g, c.Heads, c.KeyDim, c.D), c.Weight(g, c.Heads, c.KeyDim, c.D),
                c.Weight(g, c.Heads, c.ValueDim, c.D), c.Weight(g, c.Heads, c.D, c.ValueDim)));
        var merged = separate.Select(s => { var (p, q) = s.MergedWeights(); return new LinearSelfAttention(p, q); }).ToList();
        using var a = new LinearTransformer(separate);
        using var b = new LinearTransformer(merged);
        using var ta = a.Trace(z);
        using var tb = b.Trace(z);
        bool ok = true;
        for (int l = 0; l <= c.Layers; l++) ok &= CloseScaled(ta.States[l], tb.States[l], Tol);
        // The merge is the exact identity P = W_O W_V, Q = W_Kᵀ W_Q.
        var s0 = separate[0];
        var (pm, qm) = s0.MergedWeights();
        ok &= CloseScaled(pm, s0.W_O!.matmul(s0.W_V!), 0) && CloseScaled(qm, s0.W_K!.transpose(1, 2).matmul(s0.W_Q!), 0);
        return ok.Label(c.ToString());
    });

    [Property(MaxTest = 50)]
    public Property Row_form_equals_gram_form() => Prop.ForAll(AttentionGenerators.LsaCases(), c =>
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)c.Seed);
        var z = c.Prompt(g);
        var p = c.Weight(g, c.Heads, c.D, c.D);
        var q = c.Weight(g, c.Heads, c.D, c.D);
        bool ok = true;
        foreach (var include in new[] { false, true })
            ok &= CloseScaled(LinearAttentionFunctional.ForwardRowForm(z, p, q, include), LinearAttentionFunctional.Forward(z, p, q, include), Tol);
        return ok.Label(c.ToString());
    });

    [Property(MaxTest = 50)]
    public Property Scale_symmetry_cP_Q_over_c() => Prop.ForAll(AttentionGenerators.LsaCases(),
        Gen.Choose(250, 4000).Select(i => i / 1000.0).Zip(Gen.Elements(1.0, -1.0), (m, s) => m * s).ToArbitrary(), (c, scale) =>
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)c.Seed);
        var z = c.Prompt(g);
        var p = c.Weight(g, c.Heads, c.D, c.D);
        var q = c.Weight(g, c.Heads, c.D, c.D);
        using var a = new LinearSelfAttention(p, q);
        using var b = new LinearSelfAttention(p * scale, q / scale);
        return CloseScaled(a.forward(z), b.forward(z), Tol).Label($"{c}, c={scale}");
    });

    [Property(MaxTest = 50)]
    public Property Permuting_context_rows_permutes_outputs_and_keeps_the_query() => Prop.ForAll(AttentionGenerators.LsaCases(), c =>
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)c.Seed);
        var z = c.Prompt(g);
        var perm = randperm(c.N, generator: g);
        var order = cat([perm, tensor(new long[] { c.N })]);
        var layers = Enumerable.Range(0, c.Layers)
            .Select(_ => new LinearSelfAttention(c.Weight(g, c.Heads, c.D, c.D), c.Weight(g, c.Heads, c.D, c.D))).ToList();
        using var model = new LinearTransformer(layers);
        var outPermuted = model.forward(z.index_select(1, order));
        var permutedOut = model.forward(z).index_select(1, order);
        return CloseScaled(outPermuted, permutedOut, Tol).Label(c.ToString());
    });

    [Property(MaxTest = 50)]
    public Property Context_rows_never_depend_on_the_query() => Prop.ForAll(AttentionGenerators.LsaCases(), c =>
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)c.Seed);
        var z = c.Prompt(g);
        var z2 = z.clone();
        z2[.., c.N] = rand([c.Batch, c.D], ScalarType.Float64, generator: g) * 4 - 2;
        var layers = Enumerable.Range(0, c.Layers)
            .Select(_ => new LinearSelfAttention(c.Weight(g, c.Heads, c.D, c.D), c.Weight(g, c.Heads, c.D, c.D))).ToList();
        using var model = new LinearTransformer(layers);
        var a = model.forward(z).narrow(1, 0, c.N);
        var b = model.forward(z2).narrow(1, 0, c.N);
        return CloseScaled(a, b, 1e-14).Label(c.ToString());
    });

    [Property(MaxTest = 50)]
    public Property Section_5_8_query_y_shift_passes_through_a_gd_layer_unchanged() => Prop.ForAll(
        AttentionGenerators.RegressionCases(singleOutput: true, zeroStart: true), AttentionGenerators.Entry.ToArbitrary(), (r, delta) =>
    {
        using var scope = NewDisposeScope();
        using var model = GradientDescentConstruction.Build(r.D, 1, r.Eta);
        var z = PromptBuilder.Build(r.X, r.Y, r.Xq);
        var shifted = z.clone();
        shifted[0, r.N, r.D] = tensor(delta, ScalarType.Float64);
        var a = model.forward(z);
        var b = model.forward(shifted);
        double queryShift = (b[0, r.N, r.D] - a[0, r.N, r.D]).ToDouble();
        bool contextSame = MaxAbsDiff(a.narrow(1, 0, r.N), b.narrow(1, 0, r.N)) == 0;
        return (Math.Abs(queryShift - delta) <= 1e-12 * Math.Max(1, Math.Abs(a[0, r.N, r.D].ToDouble())) && contextSame).Label(r.ToString());
    });

    [Property(MaxTest = 30)]
    public Property A_batch_equals_its_prompts_run_one_by_one() => Prop.ForAll(AttentionGenerators.LsaCases(), c =>
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)c.Seed);
        var z = c.Prompt(g);
        var layers = Enumerable.Range(0, c.Layers)
            .Select(_ => new LinearSelfAttention(c.Weight(g, c.KeyDim, c.D), c.Weight(g, c.KeyDim, c.D), c.Weight(g, c.ValueDim, c.D), c.Weight(g, c.D, c.ValueDim)))
            .ToList();
        using var model = new LinearTransformer(layers);
        var batched = model.forward(z);
        bool ok = true;
        for (int b = 0; b < c.Batch; b++)
            ok &= CloseScaled(batched.narrow(0, b, 1), model.forward(z.narrow(0, b, 1)), Tol);
        return ok.Label(c.ToString());
    });

    [Property(MaxTest = 50)]
    public Property Section_4_3_ahn_form_equals_the_gd_form() => Prop.ForAll(AttentionGenerators.RegressionCases(singleOutput: true, zeroStart: true), r =>
    {
        using var scope = NewDisposeScope();
        using var gd = GradientDescentConstruction.Build(r.D, r.K, r.Eta);
        using var ahn = GradientDescentConstruction.BuildAhnForm(r.D, r.K, r.Eta);
        var z = PromptBuilder.Build(r.X, r.Y, r.Xq);
        return CloseScaled(gd.forward(z), ahn.forward(z), Tol).Label(r.ToString());
    });

    [Fact]
    public void Empty_stack_is_the_identity()
    {
        using var g = new Generator(3);
        var c = new LsaCase(2, 5, 4, 1, 1, 1, 0, 3);
        using var z = c.Prompt(g);
        foreach (var model in new[] { new LinearTransformer(Array.Empty<LinearSelfAttention>()), new LinearTransformer(LinearSelfAttention.RandomMerged(4, dtype: ScalarType.Float64), 0) })
        {
            using (model)
            {
                using var outZ = model.forward(z);
                Assert.Equal(0.0, MaxAbsDiff(outZ, z));
                Assert.NotEqual(z.Handle, outZ.Handle);
                using var trace = model.Trace(z);
                Assert.Single(trace.States);
                Assert.Equal(0.0, MaxAbsDiff(trace.States[0], z));
            }
        }
    }

    [Fact]
    public void Parameters_are_registered_by_the_spec_names_and_follow_dtype_moves()
    {
        using var merged = LinearSelfAttention.RandomMerged(3, heads: 2, seed: 1);
        Assert.Equal(["P", "Q"], merged.named_parameters().Select(p => p.name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal([2L, 3L, 3L], merged.P!.shape);
        using var separate = LinearSelfAttention.RandomSeparate(3, 2, 4, 5, seed: 1);
        Assert.Equal(["W_K", "W_O", "W_Q", "W_V"], separate.named_parameters().Select(p => p.name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal([2L, 3L, 5L], separate.W_O!.shape);

        merged.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, merged.P!.dtype);
        Assert.Equal(ScalarType.Float64, merged.DType);
        Assert.All(merged.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        using var z = zeros(1, 3, 3, dtype: ScalarType.Float64);
        using var outZ = merged.forward(z);
        Assert.Equal(ScalarType.Float64, outZ.dtype);

        using var shared = new LinearTransformer(separate, 4);
        Assert.True(shared.SharedWeights);
        Assert.Equal(4, shared.parameters().Count());
        Assert.Same(shared.Layer(0), shared.Layer(3));
    }

    [Fact]
    public void Same_seed_gives_the_same_random_layer()
    {
        using var a = LinearSelfAttention.RandomMerged(4, 2, 0.1, seed: 7);
        using var b = LinearSelfAttention.RandomMerged(4, 2, 0.1, seed: 7);
        using var c = LinearSelfAttention.RandomMerged(4, 2, 0.1, seed: 8);
        Assert.Equal(0.0, MaxAbsDiff(a.P!, b.P!));
        Assert.NotEqual(0.0, MaxAbsDiff(a.P!, c.P!));
    }
}
