using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// The linear self-attention (LSA) update as static functions on tensors: for every token <c>j</c> (context and query)
/// <c>e_j ← e_j + (1/N) Σ_h Σ_{i≤N} (e_iᵀ Q_h e_j) P_h e_i</c>, keys and values from the <c>N</c> context tokens only
/// (von Oswald et al. 2022, arXiv:2212.07677, Eq. for linear self-attention; Ahn et al. 2023, arXiv:2306.00297, Eq. (4)
/// with the mask <c>M = diag(1,…,1,0)</c>).
/// </summary>
/// <remarks>
/// <para>Layout: <c>Z</c> has shape <c>(B, N+1, D)</c>, tokens as rows, the query is the last row (index <c>N</c>).
/// Merged weights <c>P, Q</c> have shape <c>(D, D)</c> (one head) or <c>(H, D, D)</c>.</para>
/// <para>Two algebraically equal forms are provided: the row form <c>Z + (1/N) Σ_h (Z Q_hᵀ Zᵀ) M (Z P_hᵀ)</c>
/// (cost <c>O(T² D)</c>) and the context-Gram form <c>Z + (1/N) Z (Σ_h Q_hᵀ (Z_ctxᵀ Z_ctx) P_hᵀ)</c>
/// (cost <c>O(T D² + H D³)</c>); <see cref="Forward"/> uses the Gram form. The separate parametrisation
/// (<c>W_Q, W_K ∈ R^{k×D}</c>, <c>W_V ∈ R^{v×D}</c>, <c>W_O ∈ R^{D×v}</c>) is computed directly by
/// <see cref="ForwardSeparate"/> and maps to the merged one by <c>P = W_O W_V</c>, <c>Q = W_Kᵀ W_Q</c> (<see cref="Merge"/>).</para>
/// <para>Pitfalls (spec Section 8): the normalisation is <c>1/N</c> with <c>N</c> the number of context tokens (not
/// <c>N+1</c>); the query never serves as a key or value (<c>includeQuery = true</c> exists only to demonstrate that
/// including it is wrong); every token is updated, context rows included; the row form uses <c>Z Qᵀ Zᵀ</c>, not <c>Z Q Zᵀ</c>.</para>
/// </remarks>
public static partial class LinearAttentionFunctional
{
    /// <summary>One LSA layer in the context-Gram form: <c>Z + (1/N) Z Σ_h Q_hᵀ (Z_ctxᵀ Z_ctx) P_hᵀ</c>.</summary>
    /// <param name="z">Prompt, shape <c>(B, N+1, D)</c>, <c>N ≥ 1</c>, finite.</param>
    /// <param name="p">Value-projection <c>P</c>, shape <c>(D, D)</c> or <c>(H, D, D)</c>.</param>
    /// <param name="q">Key-query matrix <c>Q</c>, shape <c>(D, D)</c> or <c>(H, D, D)</c>.</param>
    /// <param name="includeQuery">Wrong-convention switch: when <c>true</c> the query row also serves as key and value (still <c>1/N</c>). For negative tests only.</param>
    /// <returns>A new tensor of the shape of <paramref name="z"/>.</returns>
    /// <exception cref="ArgumentException">A shape, dtype or device does not match, or <paramref name="z"/> has fewer than two rows or non-finite entries.</exception>
    public static Tensor Forward(Tensor z, Tensor p, Tensor q, bool includeQuery = false)
    {
        CheckMerged(z, p, q);
        return ForwardGramCore(z, p, q, includeQuery);
    }

    /// <summary>One LSA layer in the row form of spec 2.5: <c>Z + (1/N) Σ_h (Z Q_hᵀ Zᵀ) M (Z P_hᵀ)</c>, <c>M = diag(1,…,1,0)</c>.</summary>
    /// <param name="z">Prompt, shape <c>(B, N+1, D)</c>.</param>
    /// <param name="p">Value-projection <c>P</c>, shape <c>(D, D)</c> or <c>(H, D, D)</c>.</param>
    /// <param name="q">Key-query matrix <c>Q</c>, shape <c>(D, D)</c> or <c>(H, D, D)</c>.</param>
    /// <param name="includeQuery">Wrong-convention switch (<c>M = I</c>), for negative tests only.</param>
    /// <exception cref="ArgumentException">As for <see cref="Forward"/>.</exception>
    public static Tensor ForwardRowForm(Tensor z, Tensor p, Tensor q, bool includeQuery = false)
    {
        CheckMerged(z, p, q);
        return ForwardRowCore(z, p, q, includeQuery);
    }

    /// <summary>
    /// One LSA layer with separate projections, computed directly:
    /// <c>e_j ← e_j + (1/N) Σ_h W_O,h Σ_{i≤N} (W_V,h e_i) (W_K,h e_i)ᵀ (W_Q,h e_j)</c>.
    /// </summary>
    /// <param name="z">Prompt, shape <c>(B, N+1, D)</c>.</param>
    /// <param name="wq">Query projections, shape <c>(H, k, D)</c> (or <c>(k, D)</c> for one head).</param>
    /// <param name="wk">Key projections, shape <c>(H, k, D)</c>.</param>
    /// <param name="wv">Value projections, shape <c>(H, v, D)</c>.</param>
    /// <param name="wo">Output projections, shape <c>(H, D, v)</c>.</param>
    /// <param name="includeQuery">Wrong-convention switch, for negative tests only.</param>
    /// <exception cref="ArgumentException">A shape, dtype or device does not match, or <paramref name="z"/> is not a valid prompt.</exception>
    public static Tensor ForwardSeparate(Tensor z, Tensor wq, Tensor wk, Tensor wv, Tensor wo, bool includeQuery = false)
    {
        AttentionChecks.Prompt(z, null, nameof(z));
        CheckSeparate(z.shape[2], wq, wk, wv, wo);
        foreach (var (t, n) in new[] { (wq, nameof(wq)), (wk, nameof(wk)), (wv, nameof(wv)), (wo, nameof(wo)) })
            AttentionChecks.SameKind(t, z, n, nameof(z));
        return ForwardSeparateCore(z, wq, wk, wv, wo, includeQuery);
    }

    /// <summary>The exact map from the separate to the merged form: <c>P_h = W_O,h W_V,h</c>, <c>Q_h = W_K,hᵀ W_Q,h</c> (spec 2.4).</summary>
    /// <param name="wq">Shape <c>(H, k, D)</c> or <c>(k, D)</c>.</param>
    /// <param name="wk">Shape <c>(H, k, D)</c> or <c>(k, D)</c>.</param>
    /// <param name="wv">Shape <c>(H, v, D)</c> or <c>(v, D)</c>.</param>
    /// <param name="wo">Shape <c>(H, D, v)</c> or <c>(D, v)</c>.</param>
    /// <returns>New tensors <c>P, Q</c> of shape <c>(H, D, D)</c> (always with the head dimension).</returns>
    /// <exception cref="ArgumentException">The shapes are inconsistent.</exception>
    public static (Tensor P, Tensor Q) Merge(Tensor wq, Tensor wk, Tensor wv, Tensor wo)
    {
        AttentionChecks.NotDisposed(wq, nameof(wq));
        if (wq.dim() is not (2 or 3))
            throw new ArgumentException($"Expected W_Q of shape (H, k, D) or (k, D), got {AttentionChecks.Shape(wq)}.", nameof(wq));
        CheckSeparate(wq.shape[^1], wq, wk, wv, wo);
        using var scope = NewDisposeScope();
        var p = Heads(wo).matmul(Heads(wv));
        var q = Heads(wk).transpose(-1, -2).matmul(Heads(wq));
        return (p.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope());
    }

    /// <summary>The readout <c>ŷ = −Z[:, N, D−o:]</c> (spec 2.6: the prediction is minus the query's y-slot).</summary>
    /// <param name="z">Prompt, shape <c>(B, N+1, D)</c>.</param>
    /// <param name="outputDim">Number <c>o ≥ 1</c> of y features (the last <c>o</c> columns).</param>
    /// <returns>A new tensor of shape <c>(B, o)</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="z"/> is not 3-D, or <paramref name="outputDim"/> is not in <c>[1, D]</c>.</exception>
    public static Tensor Readout(Tensor z, int outputDim = 1)
    {
        AttentionChecks.NotDisposed(z, nameof(z));
        if (z.dim() != 3 || z.shape[0] < 1 || z.shape[1] < 1)
            throw new ArgumentException($"Expected Z of shape (B, N+1, D) with B ≥ 1, got {AttentionChecks.Shape(z)}.", nameof(z));
        AttentionChecks.FloatingPoint(z, nameof(z));
        if (outputDim < 1 || outputDim > z.shape[2])
            throw new ArgumentException($"Expected 1 ≤ o ≤ D = {z.shape[2]}, got {outputDim}.", nameof(outputDim));
        return ReadoutCore(z, outputDim);
    }

    internal static Tensor ReadoutCore(Tensor z, int outputDim)
    {
        using var scope = NewDisposeScope();
        long d = z.shape[2];
        var y = z.select(1, z.shape[1] - 1).narrow(1, d - outputDim, outputDim).neg();
        return y.MoveToOuterDisposeScope();
    }

    internal static Tensor ForwardGramCore(Tensor z, Tensor p, Tensor q, bool includeQuery)
    {
        using var scope = NewDisposeScope();
        var plan = GramPlan.For(z, p, q, includeQuery);
        return ForwardGram(z, plan, inPlace: false).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One layer in the Gram form with weights prepared by <paramref name="plan"/> (built for a prompt of the same
    /// <c>N</c>). With <paramref name="inPlace"/> the update is added into <paramref name="z"/> itself, which is
    /// returned; only for a tensor the caller owns and that autograd does not track. Otherwise a new tensor.
    /// </summary>
    internal static Tensor ForwardGram(Tensor z, GramPlan plan, bool inPlace)
    {
        if (inPlace && z.requires_grad)
            throw new InvalidOperationException("An in-place layer update of a tensor that autograd tracks was requested.");
        Tensor? result;
        using (var scope = NewDisposeScope())
        {
            long n = z.shape[1] - 1;
            var keys = plan.IncludeQuery ? z : z.narrow(1, 0, n);
            if (plan.Support is { } support)
            {
                // Sparse-support form: only the columns R_P of Z change, by (Z[:, :, C_Q] · mix) with 1/N in mix.
                var update = BatchProduct(Select(z, 2, support.QColumns), SparseMixT(keys, plan).transpose(1, 2));  // (B, T, |R_P|)
                var target = inPlace ? z : z.clone();
                if (IsRange(support.PRows))
                {
                    target.narrow(2, support.PRows[0], support.PRows.Length).AddInPlace(update);
                    result = target;
                }
                else
                    result = target.IndexAddInPlace(2, plan.PRowIndex!, update);
            }
            else
            {
                var update = BatchProduct(z, Mix(BatchProduct(keys.transpose(1, 2), keys), plan.P, plan.Q)).DivideInPlace(n);
                result = inPlace ? z.AddInPlace(update) : update.AddInPlace(z);
            }
            if (inPlace) return z;
            result = result.MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>
    /// The query row <c>Z'[:, N, :]</c> after one layer, shape <c>(B, D)</c>, without updating the context rows: the
    /// query's update depends on the context only through <c>mix</c>, so this equals row <c>N</c> of
    /// <see cref="ForwardGram"/>'s result (up to rounding order) at a fraction of the cost. A new tensor.
    /// </summary>
    internal static Tensor QueryRowGram(Tensor z, GramPlan plan)
    {
        using var scope = NewDisposeScope();
        long n = z.shape[1] - 1;
        var keys = plan.IncludeQuery ? z : z.narrow(1, 0, n);
        var query = z.select(1, n);                                                              // (B, D)
        Tensor row;
        if (plan.Support is { } support)
        {
            var mixT = SparseMixT(keys, plan);                                                   // (B, |R_P|, |C_Q|), 1/N included
            var update = (mixT * Select(query, 1, support.QColumns).unsqueeze(1)).sum(2);      // (B, |R_P|)
            row = query.clone();
            if (IsRange(support.PRows))
                row.narrow(1, support.PRows[0], support.PRows.Length).AddInPlace(update);
            else
                row = row.IndexAddInPlace(1, plan.PRowIndex!, update);
        }
        else
        {
            var mix = Mix(BatchProduct(keys.transpose(1, 2), keys), plan.P, plan.Q);            // (B, D, D)
            row = query.Plus(query.unsqueeze(1).bmm(mix).squeeze(1).DividedBy(n));
        }
        return row.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>mixᵀ / N</c> of the sparse-support form, shape <c>(B, |R_P|, |C_Q|)</c>: only <c>G[R_Q, C_P]</c> of the
    /// context Gram matrix is formed, then multiplied by the weight blocks prepared in <paramref name="plan"/>.
    /// </summary>
    private static Tensor SparseMixT(Tensor keys, GramPlan plan)
    {
        var support = plan.Support!;
        var gram = BatchProduct(Select(keys, 2, support.QRows).transpose(1, 2), Select(keys, 2, support.PColumns)); // (B, r, c)
        return MixT(gram, plan.PCat!, plan.QCat!, plan.Heads);
    }

    /// <summary>
    /// The weights of one merged layer prepared once for a forward call (a stack applying one shared layer <c>L</c>
    /// times prepares it once): the support is read with one host sync, and for the exact sparse-support form (taken
    /// when the weights need no gradient and have zero rows or columns, as every construction's do) the weight blocks
    /// <c>[P_1ᵀ … P_Hᵀ][C_P, R_P] / N</c> and <c>[Q_1; …; Q_H][R_Q, C_Q]</c> are cut out once. Only <c>G[R_Q, C_P]</c>
    /// of the context Gram matrix enters <c>mix</c>, only the columns <c>C_Q</c> of <c>Z</c> multiply it, and only the
    /// columns <c>R_P</c> of <c>Z</c> change; zero weights contribute exact zeros in the dense form, so both forms
    /// compute the same sums. For GD from <c>W0 = 0</c> a layer is <c>O(B N d)</c> instead of <c>O(B N D²)</c>: no
    /// <c>XᵀX</c> is ever formed. Valid while the weights are not changed and for prompts with the same <c>N</c>; its
    /// tensors live in the dispose scope current when it is made.
    /// </summary>
    internal sealed class GramPlan
    {
        private GramPlan(Tensor p, Tensor q, bool includeQuery, WeightSupport? support, Tensor? pCat, Tensor? qCat, Tensor? pRowIndex)
        {
            P = p; Q = q; IncludeQuery = includeQuery; Support = support; PCat = pCat; QCat = qCat; PRowIndex = pRowIndex;
            Heads = p.shape[0];
        }

        /// <summary>The weights, shape <c>(H, D, D)</c> (dense form).</summary>
        public Tensor P { get; }

        /// <summary>The key-query weights, shape <c>(H, D, D)</c> (dense form).</summary>
        public Tensor Q { get; }

        /// <summary>Number of heads.</summary>
        public long Heads { get; }

        /// <summary>The wrong convention switch of the layer.</summary>
        public bool IncludeQuery { get; }

        /// <summary>Non-null when the sparse-support form is taken.</summary>
        public WeightSupport? Support { get; }

        /// <summary><c>[P_1ᵀ … P_Hᵀ]</c> restricted to <c>C_P × R_P</c>, divided by <c>N</c>: shape <c>(|C_P|, H·|R_P|)</c>.</summary>
        public Tensor? PCat { get; }

        /// <summary><c>[Q_1; …; Q_H]</c> restricted to <c>R_Q × C_Q</c>: shape <c>(H·|R_Q|, |C_Q|)</c>.</summary>
        public Tensor? QCat { get; }

        /// <summary><c>R_P</c> as an index tensor when it is not a contiguous range (else <c>null</c>).</summary>
        public Tensor? PRowIndex { get; }

        /// <summary>Prepares <paramref name="p"/>, <paramref name="q"/> (shape <c>(D, D)</c> or <c>(H, D, D)</c>) for prompts shaped like <paramref name="z"/>.</summary>
        public static GramPlan For(Tensor z, Tensor p, Tensor q, bool includeQuery)
        {
            var ph = Heads(p);
            var qh = Heads(q);
            bool weightsNeedGrad = is_grad_enabled() && (p.requires_grad || q.requires_grad);
            if (weightsNeedGrad || WeightSupport.Of(ph, qh) is not { IsSparse: true } support)
                return new GramPlan(ph, qh, includeQuery, null, null, null, null);
            long n = z.shape[1] - 1, h = ph.shape[0];
            using var noGrad = no_grad();
            var pBlock = Select(Select(ph.detach(), 1, support.PRows), 2, support.PColumns);       // (H, s, c)
            var qBlock = Select(Select(qh.detach(), 1, support.QRows), 2, support.QColumns);       // (H, r, t)
            long s = pBlock.shape[1], c = pBlock.shape[2], r = qBlock.shape[1], t = qBlock.shape[2];
            var pCat = pBlock.transpose(-1, -2).permute(1, 0, 2).reshape(c, h * s).DividedBy(n);         // [P_1ᵀ … P_Hᵀ] / N
            var qCat = qBlock.reshape(h * r, t).contiguous();
            var pRowIndex = IsRange(support.PRows) ? null : tensor(support.PRows, device: z.device);
            return new GramPlan(ph, qh, includeQuery, support, pCat, qCat, pRowIndex);
        }
    }

    /// <summary>The entries <paramref name="indices"/> along <paramref name="dim"/>: a view when they are a contiguous range (constructions' blocks are), else a gather.</summary>
    private static Tensor Select(Tensor t, long dim, long[] indices) =>
        IsRange(indices) ? t.narrow(dim, indices[0], indices.Length) : t.index_select(dim, tensor(indices, device: t.device));

    private static bool IsRange(long[] indices)
    {
        for (int i = 1; i < indices.Length; i++)
            if (indices[i] != indices[i - 1] + 1) return false;
        return indices.Length > 0;
    }

    /// <summary>
    /// <c>mix = Σ_h Q_hᵀ G P_hᵀ</c> for a batch of (possibly rectangular) <c>G</c> of shape <c>(B, r, c)</c>, with
    /// <c>P</c> of shape <c>(H, s, c)</c> and <c>Q</c> of shape <c>(H, r, t)</c>; returns <c>(B, t, s)</c>. Both weight
    /// products have an operand shared by the whole batch, so each folds into one GEMM over all prompts:
    /// <c>Y = G [P_1ᵀ … P_Hᵀ]</c>, then <c>mixᵀ = [Y_1ᵀ … Y_Hᵀ] [Q_1; …; Q_H]</c>.
    /// </summary>
    private static Tensor Mix(Tensor gram, Tensor p, Tensor q)
    {
        long c = gram.shape[2], h = p.shape[0], s = p.shape[1], r = q.shape[1], t = q.shape[2];
        var pCat = p.transpose(-1, -2).permute(1, 0, 2).reshape(c, h * s);                  // [P_1ᵀ … P_Hᵀ], (c, H·s)
        return MixT(gram, pCat, q.reshape(h * r, t), h).transpose(1, 2);
    }

    /// <summary><c>mixᵀ = Σ_h P_h Gᵀ Q_h</c>, shape <c>(B, s, t)</c>, from <c>G (B, r, c)</c> and the stacked weights <c>pCat (c, H·s)</c>, <c>qCat (H·r, t)</c>.</summary>
    private static Tensor MixT(Tensor gram, Tensor pCat, Tensor qCat, long h)
    {
        long b = gram.shape[0], r = gram.shape[1], c = gram.shape[2];
        long s = pCat.shape[1] / h, t = qCat.shape[1];
        var y = gram.reshape(b * r, c).matmul(pCat).view(b, r, h, s);                        // Y[b, i, h, j] = (G P_hᵀ)[i, j]
        var yT = y.permute(0, 3, 2, 1).reshape(b * s, h * r);                                // rows (b, j), columns (h, i)
        return yT.matmul(qCat).view(b, s, t);                                                // mixᵀ = Σ_h Y_hᵀ Q_h
    }

    /// <summary>
    /// Batched <c>a · b</c> for <c>a (B, m, k)</c>, <c>b (B, k, n)</c>. A thin product with <c>n = 1</c> is computed as
    /// <c>(bᵀ aᵀ)ᵀ</c>: libtorch's CPU <c>bmm</c> is several times faster for a row vector on the left (<c>m = 1</c>)
    /// than for a column vector on the right, where it issues one BLAS call per prompt.
    /// </summary>
    private static Tensor BatchProduct(Tensor a, Tensor b)
    {
        if (b.shape[2] == 1 && a.shape[1] > 1)
            return b.transpose(1, 2).bmm(a.transpose(1, 2)).transpose(1, 2);
        return a.bmm(b);
    }

    internal static Tensor ForwardRowCore(Tensor z, Tensor p, Tensor q, bool includeQuery)
    {
        using var scope = NewDisposeScope();
        long t = z.shape[1], n = t - 1;
        var zh = z.unsqueeze(1);                                                       // (B, 1, T, D)
        var scores = zh.matmul(Heads(q).transpose(-1, -2).unsqueeze(0)).matmul(zh.transpose(-1, -2)); // (B, H, T, T)
        if (!includeQuery)
        {
            var mask = cat([ones(n, dtype: z.dtype, device: z.device), zeros(1, dtype: z.dtype, device: z.device)]);
            scores = scores * mask;                                                    // right-multiplication by M
        }
        var values = zh.matmul(Heads(p).transpose(-1, -2).unsqueeze(0));              // (B, H, T, D)
        var result = z.Plus(scores.matmul(values).sum(1).DividedBy(n));
        return result.MoveToOuterDisposeScope();
    }

    internal static Tensor ForwardSeparateCore(Tensor z, Tensor wq, Tensor wk, Tensor wv, Tensor wo, bool includeQuery)
    {
        using var scope = NewDisposeScope();
        long n = z.shape[1] - 1;
        var source = (includeQuery ? z : z.narrow(1, 0, n)).unsqueeze(1);             // (B, 1, S, D)
        var queries = z.unsqueeze(1).matmul(Heads(wq).transpose(-1, -2).unsqueeze(0)); // (B, H, T, k)
        var keys = source.matmul(Heads(wk).transpose(-1, -2).unsqueeze(0));           // (B, H, S, k)
        var values = source.matmul(Heads(wv).transpose(-1, -2).unsqueeze(0));         // (B, H, S, v)
        var heads = queries.matmul(keys.transpose(-1, -2)).matmul(values)             // (B, H, T, v)
            .matmul(Heads(wo).transpose(-1, -2).unsqueeze(0));                         // (B, H, T, D)
        var result = z.Plus(heads.sum(1).DividedBy(n));
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Heads(Tensor w) => w.dim() == 2 ? w.unsqueeze(0) : w;

    internal static void CheckMerged(Tensor z, Tensor p, Tensor q)
    {
        AttentionChecks.Prompt(z, null, nameof(z));
        long d = z.shape[2];
        CheckMergedWeights(d, p, q);
        AttentionChecks.SameKind(p, z, nameof(p), nameof(z));
        AttentionChecks.SameKind(q, z, nameof(q), nameof(z));
    }

    internal static void CheckMergedWeights(long d, Tensor p, Tensor q)
    {
        foreach (var (w, name) in new[] { (p, nameof(p)), (q, nameof(q)) })
        {
            AttentionChecks.NotDisposed(w, name);
            bool ok = (w.dim() == 2 && w.shape[0] == d && w.shape[1] == d)
                   || (w.dim() == 3 && w.shape[0] >= 1 && w.shape[1] == d && w.shape[2] == d);
            if (!ok)
                throw new ArgumentException(
                    $"Expected {name.ToUpperInvariant()} of shape (D, D) or (H, D, D) with D = {d}, got {AttentionChecks.Shape(w)}.", name);
            AttentionChecks.FloatingPoint(w, name);
        }
        long hp = p.dim() == 3 ? p.shape[0] : 1, hq = q.dim() == 3 ? q.shape[0] : 1;
        if (hp != hq)
            throw new ArgumentException($"P has {hp} head(s) but Q has {hq}; expected the same number of heads.", nameof(q));
    }

    internal static void CheckSeparate(long d, Tensor wq, Tensor wk, Tensor wv, Tensor wo)
    {
        var all = new[] { (wq, nameof(wq)), (wk, nameof(wk)), (wv, nameof(wv)), (wo, nameof(wo)) };
        foreach (var (w, name) in all)
        {
            AttentionChecks.NotDisposed(w, name);
            if (w.dim() is not (2 or 3) || w.shape.Any(s => s < 1))
                throw new ArgumentException($"Expected {name} of rank 2 (one head) or 3 (H, rows, columns) with no empty dimension, got {AttentionChecks.Shape(w)}.", name);
            AttentionChecks.FloatingPoint(w, name);
        }
        if (all.Select(a => a.Item1.dim()).Distinct().Count() != 1)
            throw new ArgumentException("W_Q, W_K, W_V and W_O must all have a head dimension or all lack it.", nameof(wk));
        long h = wq.dim() == 3 ? wq.shape[0] : 1;
        foreach (var (w, name) in all)
            if ((w.dim() == 3 ? w.shape[0] : 1) != h)
                throw new ArgumentException($"Expected {h} head(s) (from W_Q), got shape {AttentionChecks.Shape(w)}.", name);
        long k = wq.shape[^2], v = wv.shape[^2];
        if (wq.shape[^1] != d)
            throw new ArgumentException($"Expected W_Q of shape (H, k, D) with D = {d}, got {AttentionChecks.Shape(wq)}.", nameof(wq));
        if (wk.shape[^2] != k || wk.shape[^1] != d)
            throw new ArgumentException($"Expected W_K of shape (H, k, D) = (·, {k}, {d}), got {AttentionChecks.Shape(wk)}.", nameof(wk));
        if (wv.shape[^1] != d)
            throw new ArgumentException($"Expected W_V of shape (H, v, D) with D = {d}, got {AttentionChecks.Shape(wv)}.", nameof(wv));
        if (wo.shape[^2] != d || wo.shape[^1] != v)
            throw new ArgumentException($"Expected W_O of shape (H, D, v) = (·, {d}, {v}), got {AttentionChecks.Shape(wo)}.", nameof(wo));
        foreach (var (w, name) in all.Skip(1))
            AttentionChecks.SameKind(w, wq, name, "W_Q");
    }
}
