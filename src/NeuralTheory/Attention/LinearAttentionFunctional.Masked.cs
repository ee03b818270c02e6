using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention;

public static partial class LinearAttentionFunctional
{
    /// <summary>
    /// One LSA layer with an explicit token-mixing mask per head, in the column convention of Wang et al. 2024
    /// ("Transformers Learn Temporal Difference Methods for In-Context Reinforcement Learning", arXiv:2405.13861, Eq. of
    /// the linear transformer): <c>Z ← Z + (1/N) Σ_h P_h Z M_h Zᵀ Q_h Z</c>, i.e. for every token <c>j</c>
    /// <c>e_j ← e_j + (1/N) Σ_h Σ_{i,k} M_h[i, k] (e_kᵀ Q_h e_j) P_h e_i</c>: <c>M_h[i, k]</c> weighs value token <c>i</c>
    /// against key token <c>k</c>.
    /// </summary>
    /// <remarks>
    /// <para>Tokens are rows of <paramref name="z"/> (<c>(B, T, D)</c>, <c>T = N + 1</c>, query last), so the update computed
    /// is <c>X + (1/N) Σ_h X Q_hᵀ (Xᵀ M_hᵀ X) P_hᵀ</c>. With <c>M = diag(1, …, 1, 0)</c> this is <see cref="Forward"/>
    /// (the default of the regression layers). Other masks: the eligibility-trace mask <c>M_λ[i, k] = λ^{i−k}</c>
    /// (<c>k ≤ i &lt; N</c>) of TD(λ) and the running-mean mask of average-reward TD (spec in-context-td 4.3, 4.5).</para>
    /// <para><c>N = T − 1</c> is the number of context tokens; the mask alone decides which tokens act as keys and values,
    /// so a mask with a non-zero last row or column lets the query attend to itself (the caller's choice).</para>
    /// </remarks>
    /// <param name="z">Prompt, shape <c>(B, T, D)</c>, <c>T ≥ 2</c>, finite.</param>
    /// <param name="p">Value-projection <c>P</c>, shape <c>(D, D)</c> or <c>(H, D, D)</c>.</param>
    /// <param name="q">Key-query matrix <c>Q</c>, same shape as <paramref name="p"/>.</param>
    /// <param name="mask">Mask <c>M</c>, shape <c>(T, T)</c> (all heads) or <c>(H, T, T)</c>, finite, same dtype and device as <paramref name="z"/>.</param>
    /// <returns>A new tensor of the shape of <paramref name="z"/>.</returns>
    /// <exception cref="ArgumentException">A shape, dtype or device does not match, or an input has non-finite entries.</exception>
    public static Tensor ForwardMasked(Tensor z, Tensor p, Tensor q, Tensor mask)
    {
        CheckMerged(z, p, q);
        long heads = p.dim() == 3 ? p.shape[0] : 1;
        CheckMask(mask, z.shape[1], heads, nameof(mask));
        AttentionChecks.SameKind(mask, z, nameof(mask), nameof(z));
        AttentionChecks.Finite(mask, nameof(mask));
        return ForwardMaskedCore(z, p, q, mask);
    }

    /// <summary>Checks a mask of shape <c>(T, T)</c> or <c>(H, T, T)</c> (not its values).</summary>
    internal static void CheckMask(Tensor mask, long tokens, long heads, string parameter)
    {
        AttentionChecks.NotDisposed(mask, parameter);
        bool ok = (mask.dim() == 2 && mask.shape[0] == tokens && mask.shape[1] == tokens)
               || (mask.dim() == 3 && mask.shape[0] == heads && mask.shape[1] == tokens && mask.shape[2] == tokens);
        if (!ok)
            throw new ArgumentException(
                $"Expected a mask of shape (T, T) or (H, T, T) with T = {tokens} tokens and H = {heads} head(s), got {AttentionChecks.Shape(mask)}.", parameter);
        AttentionChecks.FloatingPoint(mask, parameter);
    }

    /// <summary>
    /// The masked layer without checks. When no gradient w.r.t. the weights is needed and they have zero rows or
    /// columns (as every construction's do), only the needed blocks are formed: <c>G_h[R_Q, C_P] = X[:, R_Q]ᵀ (M_hᵀ X[:, C_P])</c>,
    /// then <c>Σ_h Q_h[R_Q, C_Q]ᵀ G_h P_h[R_P, C_P]ᵀ</c> applied to <c>X[:, C_Q]</c> and added to the columns <c>R_P</c> (zero
    /// weights contribute exact zeros to the dense sums, so both paths compute the same numbers).
    /// </summary>
    internal static Tensor ForwardMaskedCore(Tensor z, Tensor p, Tensor q, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long n = z.shape[1] - 1, dim = z.shape[2];
        var ph = Heads(p);
        var qh = Heads(q);
        bool weightsNeedGrad = is_grad_enabled() && (p.requires_grad || q.requires_grad);
        var support = weightsNeedGrad ? null : WeightSupport.Of(ph, qh);
        if (support is { } s && (s.QRows.Length == 0 || s.QColumns.Length == 0 || s.PRows.Length == 0 || s.PColumns.Length == 0))
            return z.clone().MoveToOuterDisposeScope();   // P or Q is zero: the layer is the identity
        var all = Enumerable.Range(0, (int)dim).Select(i => (long)i).ToArray();
        long[] qRows = support?.QRows ?? all, qCols = support?.QColumns ?? all, pRows = support?.PRows ?? all, pCols = support?.PColumns ?? all;

        var m = mask.dim() == 2 ? mask.unsqueeze(0) : mask;                                          // (H|1, T, T)
        var valuesMixed = m.transpose(-1, -2).matmul(Select(z, 2, pCols).unsqueeze(1));              // (B, H|1, T, c) = M_hᵀ X[:, C_P]
        var gram = Select(z, 2, qRows).unsqueeze(1).transpose(-1, -2).matmul(valuesMixed);           // (B, H|1, r, c)
        var qBlock = Select(Select(qh, 1, qRows), 2, qCols);                                         // (H, r, t)
        var pBlock = Select(Select(ph, 1, pRows), 2, pCols);                                         // (H, s, c)
        var mix = qBlock.transpose(-1, -2).matmul(gram).matmul(pBlock.transpose(-1, -2)).sum(1);      // (B, t, s) = Σ_h Q_hᵀ G_h P_hᵀ
        var update = Select(z, 2, qCols).matmul(mix).DivideInPlace(n);                                         // (B, T, s)
        Tensor result;
        if (IsRange(pRows))
        {
            result = z.clone();
            result.narrow(2, pRows[0], pRows.Length).AddInPlace(update);
        }
        else result = z.IndexAdd(2, tensor(pRows, device: z.device), update);
        return result.MoveToOuterDisposeScope();
    }
}
