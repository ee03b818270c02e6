using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Ode;

/// <summary>
/// Explicit Runge–Kutta solvers on tensors of any shape, dtype (float32, float64) and device: fixed-step Euler, midpoint,
/// Heun, RK4 (classical and 3/8 rule) and adaptive Dormand–Prince 5(4) with Shampine's error estimate, Hairer's initial
/// step, the I or PI controller, dense output and backwards integration (spec neural-ode 3; the conventions of
/// torchdiffeq and Diffrax, Kidger 2022 arXiv:2202.02435; Hairer, Nørsett, Wanner, Solving ODEs I, §II.4).
/// </summary>
/// <remarks>
/// <para>Times are float64 whatever the state dtype. One step size is shared by the whole state (the error norm is the RMS
/// over all entries, batch included). Gradients (<see cref="GradientMode.Backprop"/>) flow through every accepted stage;
/// step sizes, accept/reject decisions and the initial step are constants (computed without autograd); rejected
/// attempts leave no graph. For the continuous adjoint use <see cref="NeuralOde"/>.</para>
/// <para>Bounded: at most <see cref="OdeOptions.MaxSteps"/> attempted steps per solve, then
/// <see cref="OdeMaxStepsExceededException"/>; a step size that no longer moves time throws
/// <see cref="OdeStepSizeUnderflowException"/>; a non-finite step is rejected (error ratio +∞) and shrinks the step.</para>
/// </remarks>
public static class OdeSolver
{
    /// <summary>Solves <c>dy/dt = f(t, y)</c>, <c>y(ts[0]) = y0</c>, and returns <c>y</c> at every time of <paramref name="ts"/>.</summary>
    /// <param name="f">The vector field.</param>
    /// <param name="y0">Initial state, any shape, float32 or float64, finite.</param>
    /// <param name="ts">Output times, strictly increasing or strictly decreasing, finite, at least one; <c>ts[0]</c> is the initial time.</param>
    /// <param name="options">Settings (defaults: Dopri5, rtol 1e−7, atol 1e−9).</param>
    /// <returns>The solution; <c>Ys[0]</c> is a copy of <paramref name="y0"/>.</returns>
    /// <exception cref="ArgumentException">A bad argument (the message names it), or <paramref name="f"/> returned a tensor of another shape, dtype or device.</exception>
    /// <exception cref="OdeMaxStepsExceededException">More than <see cref="OdeOptions.MaxSteps"/> attempted steps.</exception>
    /// <exception cref="OdeStepSizeUnderflowException">The step size underflowed.</exception>
    public static OdeSolution Solve(IOdeFunc f, Tensor y0, double[] ts, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        var o = options ?? new OdeOptions();
        o.Validate();
        CheckState(y0);
        var times = CheckTimes(ts);
        return SolveCore(f, y0, times, o);
    }

    /// <summary>As <see cref="Solve(IOdeFunc, Tensor, double[], OdeOptions?)"/> with the output times in a 1-D tensor (read as float64; must not require grad).</summary>
    /// <exception cref="ArgumentException"><paramref name="ts"/> is not 1-D, requires grad, or is not strictly monotone and finite; or another bad argument.</exception>
    public static OdeSolution Solve(IOdeFunc f, Tensor y0, Tensor ts, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ts);
        if (ts.IsInvalid) throw new ArgumentException("The tensor has been disposed.", nameof(ts));
        if (ts.dim() != 1) throw new ArgumentException($"Expected 1-D output times, got shape [{string.Join(", ", ts.shape)}].", nameof(ts));
        if (ts.requires_grad) throw new ArgumentException("Gradients with respect to the output times are not supported: ts must not require grad.", nameof(ts));
        using var cpu = ts.detach().to(ScalarType.Float64, CPU);
        return Solve(f, y0, cpu.data<double>().ToArray(), options);
    }

    internal static OdeSolution SolveCore(IOdeFunc f, Tensor y0, double[] times, OdeOptions o)
    {
        bool backwards = times.Length > 1 && times[1] < times[0];
        IOdeFunc field = backwards ? new ReversedField(f) : f;
        var s = backwards ? times.Select(t => -t).ToArray() : times;
        using var scope = NewDisposeScope();
        var run = o.IsAdaptive ? Adaptive(field, y0, s, o) : Fixed(field, y0, s, o);
        var ys = stack(run.Outputs);
        var steps = backwards ? run.Steps.Select(r => r with { T0 = -r.T0, H = -r.H }).ToList() : run.Steps;
        return new OdeSolution(ys.MoveToOuterDisposeScope(), times, run.Nfe, run.Accepted, run.Rejected, steps);
    }

    private sealed record Run(List<Tensor> Outputs, int Nfe, int Accepted, int Rejected, List<StepRecord> Steps);

    // ---------------------------------------------------------------------------------------------------------------
    // Fixed step (spec 3.1): one step per output interval, or the grid t0 + k·h (last node exactly t_end) with linear
    // interpolation onto the output times; exact grid hits are returned unmodified.

    private static Run Fixed(IOdeFunc f, Tensor y0, double[] ts, OdeOptions o)
    {
        var scheme = RkScheme.For(o.Method);
        double t0 = ts[0], tEnd = ts[^1];
        double[] grid;
        if (o.StepSize is { } h && ts.Length > 1)
        {
            int n = (int)Math.Ceiling((tEnd - t0) / h);
            if (n > o.MaxSteps) throw new OdeMaxStepsExceededException(t0, h, n, o.MaxSteps);
            grid = new double[n + 1];
            for (int k = 0; k <= n; k++) grid[k] = t0 + k * h;
            grid[n] = tEnd;
            if (n >= 1 && grid[n - 1] >= tEnd) grid = grid.Where((_, k) => k == n || grid[k] < tEnd).ToArray();
        }
        else grid = ts;
        if (grid.Length - 1 > o.MaxSteps) throw new OdeMaxStepsExceededException(t0, grid.Length > 1 ? grid[1] - grid[0] : 0, grid.Length - 1, o.MaxSteps);

        var outputs = new List<Tensor> { y0.clone() };
        int nfe = 0, next = 1;
        var y = y0;
        for (int k = 0; k + 1 < grid.Length && next < ts.Length; k++)
        {
            double ta = grid[k], tb = grid[k + 1], step = tb - ta;
            var yNext = FixedStep(f, scheme, ta, step, tb, y);
            nfe += scheme.Stages;
            while (next < ts.Length && ts[next] <= tb)
            {
                double tq = ts[next];
                outputs.Add(tq == tb ? yNext.clone() : tq == ta ? y.clone() : y.Plus((yNext - y).Times((tq - ta) / step)));
                next++;
            }
            y = yNext;
            o.Progress?.Invoke(tb, k + 1, 0);
        }
        return new Run(outputs, nfe, grid.Length - 1, 0, []);
    }

    private static Tensor FixedStep(IOdeFunc f, RkScheme m, double t, double h, double tEnd, Tensor y)
    {
        var k = new Tensor[m.Stages];
        for (int i = 0; i < m.Stages; i++)
        {
            var yi = y;
            for (int j = 0; j < i; j++)
                if (m.A[i][j] != 0) yi = yi.PlusScaled(k[j], h * m.A[i][j]);
            double ti = m.C[i] == 1 ? tEnd : t + m.C[i] * h;
            k[i] = Eval(f, ti, yi, y);
        }
        var result = y;
        for (int i = 0; i < m.Stages; i++)
            if (m.B[i] != 0) result = result.PlusScaled(k[i], h * m.B[i]);
        return ReferenceEquals(result, y) ? y.clone() : result;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Adaptive Dopri5 (spec 3.4–3.8).

    private static Run Adaptive(IOdeFunc f, Tensor y0, double[] ts, OdeOptions o)
    {
        var m = RkScheme.For(o.Method);
        var outputs = new List<Tensor> { y0.clone() };
        var records = new List<StepRecord>();
        if (ts.Length == 1 || ts[^1] == ts[0]) return new Run(outputs, 0, 0, 0, records);
        double t = ts[0], tEnd = ts[^1];
        var y = y0;
        var f0 = Eval(f, t, y, y0);
        int nfe = 1, accepted = 0, rejected = 0;
        double h;
        if (o.FirstStep is { } first) h = first;
        else
        {
            h = InitialStep(f, t, y, f0, 4, o.Rtol, o.Atol);
            nfe++;
        }
        double prevRatioInverse = 1;     // PI controller: ρ of the last accepted step
        Interpolant? last = null;
        for (int j = 1; j < ts.Length; j++)
        {
            double tOut = ts[j];
            while (t < tOut)
            {
                if (accepted + rejected >= o.MaxSteps) throw new OdeMaxStepsExceededException(t, h, accepted + rejected, o.MaxSteps);
                double hTry = h, t1 = t + h;
                if (o.Endpoint == EndpointMode.Clip && t1 > tEnd) { hTry = tEnd - t; t1 = tEnd; }
                if (t1 == t) throw new OdeStepSizeUnderflowException(t, hTry);
                var attempt = NewDisposeScope();
                var step = DopriStep(f, m, t, hTry, t1, y, f0, o);
                nfe += m.Stages - 1;
                bool accept = (step.Ratio <= 1 && Math.Abs(hTry) <= o.MaxStep) || Math.Abs(hTry) <= o.MinStep;
                if (o.RecordSteps) records.Add(new StepRecord(t, hTry, accept, step.Ratio, step.Stiffness));
                double hNew = NextStep(o, hTry, step.Ratio, accept, ref prevRatioInverse);
                if (accept)
                {
                    step.Y1.MoveToOuterDisposeScope();
                    foreach (var ki in step.K) ki.MoveToOuterDisposeScope();   // kept for the (lazy) dense output of this step
                    attempt.Dispose();
                    var previous = last;
                    last = new Interpolant(m, t, t1, hTry, y, step.Y1, step.K);
                    // The previous step's handles are no longer needed (its end state is this step's start, its last stage this
                    // step's first): release them now so a long solve holds O(1) steps, not O(steps). Under autograd the graph
                    // keeps what it needs by itself; the caller's y0 is never released.
                    previous?.Release(keep: [y, step.K[0], y0]);
                    t = t1;
                    y = step.Y1;
                    f0 = step.F1;
                    accepted++;
                }
                else
                {
                    attempt.Dispose();
                    rejected++;
                }
                h = hNew;
                o.Progress?.Invoke(t, accepted, rejected);
            }
            outputs.Add(tOut == t ? y.clone() : last!.At(tOut));
        }
        return new Run(outputs, nfe, accepted, rejected, records);
    }

    private sealed record DopriResult(Tensor Y1, Tensor F1, Tensor[] K, double Ratio, double Stiffness);

    private static DopriResult DopriStep(IOdeFunc f, RkScheme m, double t, double h, double t1, Tensor y0, Tensor f0, OdeOptions o)
    {
        int s = m.Stages;
        var k = new Tensor[s];
        k[0] = f0;
        Tensor y1 = y0;
        for (int i = 1; i < s; i++)
        {
            var yi = y0;
            for (int j = 0; j < i; j++)
                if (m.A[i][j] != 0) yi = yi.PlusScaled(k[j], h * m.A[i][j]);
            k[i] = Eval(f, m.C[i] == 1 ? t1 : t + m.C[i] * h, yi, y0);
            y1 = yi;                                  // FSAL: the argument of the last stage is y1
        }
        double ratio;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            Tensor err = zeros_like(y0);
            for (int i = 0; i < s; i++)
                if (m.E![i] != 0) err = err.PlusScaled(k[i].detach(), h * m.E[i]);
            var scale = maximum(y0.detach().abs(), y1.detach().abs()).MultiplyInPlace(o.Rtol).AddInPlace(o.Atol);
            ratio = Rms(err.div_(scale));             // a non-finite y1 or k makes the ratio non-finite
            if (!double.IsFinite(ratio)) ratio = double.PositiveInfinity;
        }
        double stiffness = o.RecordSteps ? Stiffness(m, h, k, y0) : double.NaN;
        return new DopriResult(y1, k[s - 1], k, ratio, stiffness);
    }

    /// <summary>
    /// Hairer's stiffness estimate <c>‖k_s − k_{s−1}‖ / ‖y1 − g_{s−1}‖</c> (spec 3.4 item 5), formed only when steps are recorded
    /// (two extra reductions and host reads). <c>y1 − g_{s−1} = h Σ_j (a_sj − a_{s−1,j}) k_j</c> is summed directly: subtracting
    /// the two stage arguments would cancel the common <c>y0</c> first.
    /// </summary>
    private static double Stiffness(RkScheme m, double h, Tensor[] k, Tensor y0)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int s = m.Stages;
        Tensor gap = zeros_like(y0);
        for (int j = 0; j < s - 1; j++)
        {
            double w = m.A[s - 1][j] - (j < s - 2 ? m.A[s - 2][j] : 0);
            if (w != 0) gap = gap.PlusScaled(k[j].detach(), h * w);
        }
        double denominator = Rms(gap);
        return denominator == 0 || !double.IsFinite(denominator) ? 0 : Rms(k[s - 1].detach() - k[s - 2].detach()) / denominator;
    }

    /// <summary>The controller of spec 3.6 (torchdiffeq's I controller, or Diffrax's PI), then clamped to [MinStep, MaxStep].</summary>
    private static double NextStep(OdeOptions o, double h, double ratio, bool accepted, ref double prevRatioInverse)
    {
        double factor;
        if (!o.Controller.IsPi)
        {
            if (ratio == 0) factor = o.IFactor;
            else
            {
                double proposal = o.Safety * Math.Pow(ratio, -1.0 / 5);
                factor = Math.Min(o.IFactor, Math.Max(proposal, ratio < 1 ? 1 : o.DFactor));
            }
        }
        else
        {
            double rho = 1 / ratio;
            double p = o.Controller.PCoeff, i = o.Controller.ICoeff;
            factor = o.Safety * Math.Pow(rho, (i + p) / 5) * Math.Pow(prevRatioInverse, -p / 5);
            if (double.IsNaN(factor)) factor = accepted ? o.IFactor : o.DFactor;
            factor = accepted ? Math.Clamp(factor, 1, o.IFactor) : Math.Clamp(factor, o.DFactor, o.Safety);
            if (accepted) prevRatioInverse = rho == 0 || double.IsInfinity(rho) ? 1 : rho;
        }
        double hNew = h * factor;
        return Math.Clamp(hNew, o.MinStep, o.MaxStep);
    }

    /// <summary>Hairer's initial step (spec 3.5, torchdiffeq <c>_select_initial_step</c>); one extra evaluation; no gradient.</summary>
    internal static double InitialStep(IOdeFunc f, double t0, Tensor y0, Tensor f0, int order, double rtol, double atol)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var y = y0.detach();
        var scale = y.abs().Affine(rtol, atol);
        double d0 = Rms(y / scale), d1 = Rms(f0.detach() / scale);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        var f1 = Eval(f, t0 + h0, y.Plus(f0.detach().Times(h0)), y0);
        double d2 = Rms((f1 - f0.detach()) / scale) / h0;
        double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / Math.Max(d1, d2), 1.0 / (order + 1));
        return Math.Min(100 * h0, h1);
    }

    /// <summary>RMS of all entries, accumulated in float64.</summary>
    private static double Rms(Tensor x)
    {
        using var scope = NewDisposeScope();
        return x.to_type(ScalarType.Float64).square().mean().sqrt().item<double>();
    }

    /// <summary>
    /// Dopri5's 4th-order dense output on an accepted step (spec 3.8): <c>y_mid = y0 + h Σ m_i k_i</c> is formed on the first
    /// request only (a solve whose outputs all fall on step ends never pays for it).
    /// </summary>
    private sealed class Interpolant(RkScheme m, double t0, double t1, double h, Tensor y0, Tensor y1, Tensor[] k)
    {
        private Tensor? _yMid;

        /// <summary>Disposes this step's tensors except those in <paramref name="keep"/> (shared with the next step or the caller's).</summary>
        public void Release(Tensor[] keep)
        {
            foreach (var t in k.Append(y0).Append(_yMid))
                if (t is not null && !keep.Any(x => ReferenceEquals(x, t)) && !t.IsInvalid) t.Dispose();
        }

        public Tensor At(double t)
        {
            if (t < Math.Min(t0, t1) || t > Math.Max(t0, t1))
                throw new ArgumentOutOfRangeException(nameof(t), t, $"Dense output is defined on [{t0}, {t1}] only.");
            if (_yMid is null)
            {
                var mid = y0;
                for (int i = 0; i < m.Stages; i++)
                    if (RkScheme.Dopri5Midpoint[i] != 0) mid = mid.PlusScaled(k[i], h * RkScheme.Dopri5Midpoint[i]);
                _yMid = mid;
            }
            Tensor f0 = k[0], f1 = k[^1];
            double x = (t - t0) / h;
            // a = (f1 − f0)·2h − (y1 + y0)·8 + y_mid·16, b = (5 f0 − 3 f1)·h + 18 y0 + 14 y1 − 32 y_mid,
            // c = (f1 − 4 f0)·h − 11 y0 − 5 y1 + 16 y_mid, d = f0·h; y(x) = y0 + (d + (c + (b + a x) x) x) x (held scalars).
            var a = ((f1 - f0).Times(2 * h) - y1.Plus(y0).Times(8)).Plus(_yMid.Times(16));
            var b = (f0.Times(5) - f1.Times(3)).Times(h).Plus(y0.Times(18)).Plus(y1.Times(14)) - _yMid.Times(32);
            var c = ((f1 - f0.Times(4)).Times(h) - y0.Times(11) - y1.Times(5)).Plus(_yMid.Times(16));
            var d = f0.Times(h);
            return y0.Plus(d.Plus(c.Plus(b.Plus(a.Times(x)).Times(x)).Times(x)).Times(x));
        }
    }

    /// <summary>Evaluates <c>f</c> at a float64 time tensor and checks the result's shape, dtype and device.</summary>
    private static Tensor Eval(IOdeFunc f, double t, Tensor y, Tensor reference)
    {
        using var time = tensor(t, ScalarType.Float64, y.device);
        var r = f.Invoke(time, y) ?? throw new ArgumentException("The vector field returned null.", nameof(f));
        if (!r.shape.SequenceEqual(reference.shape) || r.dtype != reference.dtype || r.device_type != reference.device_type || r.device_index != reference.device_index)
            throw new ArgumentException(
                $"The vector field returned shape [{string.Join(", ", r.shape)}] {r.dtype} on {r.device}; expected [{string.Join(", ", reference.shape)}] {reference.dtype} on {reference.device} (that of y).", nameof(f));
        return r;
    }

    internal static void CheckState(Tensor y0, string parameter = "y0")
    {
        ArgumentNullException.ThrowIfNull(y0, parameter);
        if (y0.IsInvalid) throw new ArgumentException("The tensor has been disposed.", parameter);
        if (y0.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"Expected a float32 or float64 state, got {y0.dtype}.", parameter);
        if (y0.numel() == 0) throw new ArgumentException($"The state is empty (shape [{string.Join(", ", y0.shape)}]).", parameter);
        using var scope = NewDisposeScope();
        if (!isfinite(y0.detach()).all().item<bool>()) throw new ArgumentException("The initial state has NaN or infinite entries.", parameter);
    }

    internal static double[] CheckTimes(IReadOnlyList<double> ts)
    {
        ArgumentNullException.ThrowIfNull(ts);
        if (ts.Count < 1) throw new ArgumentException("Expected at least one output time.", nameof(ts));
        var times = ts.ToArray();
        if (times.Any(t => !double.IsFinite(t))) throw new ArgumentException("The output times must be finite.", nameof(ts));
        if (times.Length > 1)
        {
            int sign = Math.Sign(times[1] - times[0]);
            for (int i = 1; i < times.Length; i++)
                if (sign == 0 || Math.Sign(times[i] - times[i - 1]) != sign)
                    throw new ArgumentException($"The output times must be strictly increasing or strictly decreasing; entries {i - 1} and {i} are {times[i - 1]} and {times[i]}.", nameof(ts));
        }
        return times;
    }

    /// <summary><c>g(s, y) = −f(−s, y)</c>: backwards integration as forward integration in <c>s = −t</c> (spec 3.9).</summary>
    private sealed class ReversedField(IOdeFunc f) : IOdeFunc
    {
        public Tensor Invoke(Tensor t, Tensor y)
        {
            using var scope = NewDisposeScope();
            return f.Invoke(t.neg(), y).neg().MoveToOuterDisposeScope();
        }
    }
}
