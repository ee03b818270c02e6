using static TorchSharp.torch;

namespace NeuralTheory.Residual;

/// <summary>
/// Full-batch gradient descent on a <see cref="ResidualNetwork"/> with the squared loss
/// <c>ℓ = mean over all n·d entries of (h_L − Y)²</c> — the training of Marion, Wu, Sander &amp; Biau, <i>Implicit
/// regularization of deep residual networks towards neural ODEs</i> (arXiv:2309.01213, ICLR 2024; spec residual-scaling
/// 6.5). With <c>α = 1/L</c> use a learning rate proportional to <c>L</c> (the paper's <c>η = 0.01·L</c>): each layer's
/// gradient carries the factor <c>α</c>, so a fixed rate would freeze the dynamics as <c>L</c> grows (spec 8).
/// </summary>
public static class ResidualTraining
{
    /// <summary>
    /// Runs <paramref name="steps"/> plain gradient-descent steps <c>θ ← θ − η ∇ℓ(θ)</c> on every parameter of
    /// <paramref name="network"/> (in place, each step in its own dispose scope) and returns the loss before each step
    /// (<c>ℓ(θ_0) … ℓ(θ_{steps−1})</c>).
    /// </summary>
    /// <param name="network">The network to train (its <c>V</c> and <c>W</c> change).</param>
    /// <param name="x">Inputs <c>h_0</c>, <c>[n, d]</c>, the network's dtype and device.</param>
    /// <param name="y">Targets for <c>h_L</c>, the same shape, dtype and device as <paramref name="x"/>.</param>
    /// <param name="learningRate">η, finite and &gt; 0.</param>
    /// <param name="steps">Number of steps, <c>0 ≤ steps ≤ 1 000 000</c>.</param>
    /// <param name="afterStep">Called after step <c>t</c> (1-based) with <c>t</c>, e.g. to record weight regularity; the
    /// parameters then hold <c>θ_t</c>.</param>
    /// <returns>The losses before each step, length <paramref name="steps"/>.</returns>
    /// <exception cref="ArgumentException">A bad shape, dtype or device, a non-finite value, or a bad learning rate or step count.</exception>
    /// <exception cref="InvalidOperationException">The loss became non-finite (divergence).</exception>
    public static double[] GradientDescent(ResidualNetwork network, Tensor x, Tensor y, double learningRate, int steps, Action<int>? afterStep = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!double.IsFinite(learningRate) || learningRate <= 0)
            throw new ArgumentException($"Expected a finite learning rate > 0, got {learningRate}.", nameof(learningRate));
        if (steps < 0 || steps > 1_000_000)
            throw new ArgumentException($"Expected 0 ≤ steps ≤ 1 000 000, got {steps}.", nameof(steps));
        if (!x.shape.SequenceEqual(y.shape))
            throw new ArgumentException($"Expected targets of the inputs' shape [{string.Join(", ", x.shape)}], got [{string.Join(", ", y.shape)}].", nameof(y));
        if (x.dtype != y.dtype || x.device_type != y.device_type)
            throw new ArgumentException("The targets must have the inputs' dtype and device.", nameof(y));
        Attention.AttentionChecks.Finite(y, nameof(y));

        var losses = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            using (var scope = NewDisposeScope())
            {
                network.zero_grad();
                var loss = (network.forward(x) - y).square().mean();
                loss.backward();
                double value = loss.item<double>();
                if (!double.IsFinite(value)) throw new InvalidOperationException($"The loss became {value} at step {t}: the learning rate {learningRate} is too large.");
                losses[t] = value;
                using (no_grad())
                {
                    foreach (var p in network.parameters())
                        if (p.grad is { } g) p.sub_(g * learningRate);
                }
                network.zero_grad();
            }
            afterStep?.Invoke(t + 1);
        }
        return losses;
    }
}
