using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

public class IterativeNewtonTests
{
    [Fact]
    public void Default_alpha_and_rho0_match_spec_7_6()
    {
        Close(NewtonAlpha, IterativeNewton.DefaultAlpha(X));
        Close(NewtonRho0, IterativeNewton.InitialContraction(X, NewtonAlpha), 1e-13);
    }

    [Fact]
    public void Inverse_approximations_match_spec_7_6()
    {
        var run = IterativeNewton.Run(X, Y, Xq, 3);
        Assert.Equal(IterativeNewton.DefaultAlpha(X), run.Alpha);
        for (int k = 0; k <= 3; k++) Close(NewtonM[k], run.Inverses[k]);
    }

    [Fact]
    public void Predictions_and_weight_errors_match_spec_7_6_table()
    {
        var run = IterativeNewton.Run(X, Y, Xq, 10);
        for (int k = 0; k <= 9; k++)
        {
            Close(NewtonPredictions[k], run.Solution.Prediction(k), 1e-12);
            Close(NewtonWeightErrors[k], (run.Solution.Weights(k) - WOls).L2Norm(), 1e-3);   // printed to 4 digits
        }
        Close(2.6, run.Solution.Prediction(10), 1e-15);
        Assert.True((run.Solution.Weights(10) - WOls).L2Norm() < 2e-15);
    }

    [Fact]
    public void Error_norms_are_rho0_to_the_two_to_the_k_spec_7_6()
    {
        var run = IterativeNewton.Run(X, Y, Xq, 6);
        Close(NewtonRho0, run.InitialContraction);
        for (int k = 0; k <= 6; k++)
        {
            Close(NewtonErrorNorms[k], run.ErrorNorms[k], 1e-12);
            Close(Math.Pow(NewtonRho0, Math.Pow(2, k)), run.ErrorNorms[k], 1e-12);
        }
    }

    [Fact]
    public void One_step_optimal_alpha_matches_spec_7_6()
    {
        Close(NewtonOneStepAlpha, 2.0 / (1.25 * 1.25 + 6.25 * 6.25));
        var run = IterativeNewton.Run(X, Y, Xq, 6, NewtonOneStepAlpha);
        for (int k = 0; k <= 6; k++) Close(NewtonOneStepAlphaPredictions[k], run.Solution.Prediction(k), 1e-13);
    }

    [Fact]
    public void Predicted_step_count_is_exact_on_I1()
    {
        foreach (double eps in new[] { 0.5, 0.1, 1e-3, 1e-8 })
        {
            int k = IterativeNewton.PredictedSteps(NewtonRho0, eps);
            var run = IterativeNewton.Run(X, Y, Xq, k);
            Assert.True(run.ErrorNorms[k] <= eps * (1 + 1e-12));
            if (k > 0) Assert.True(run.ErrorNorms[k - 1] > eps);
        }
        Assert.Equal(6, IterativeNewton.PredictedSteps(NewtonRho0, 0.1));   // ρ0^64 = 0.0735 ≤ 0.1 < ρ0^32 = 0.271
        Assert.Equal(0, IterativeNewton.PredictedSteps(0.05, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IterativeNewton.PredictedSteps(1.0, 0.1));
    }

    [Fact]
    public void Boundary_alpha_does_not_converge()
    {
        double boundary = 2.0 / (6.25 * 6.25);
        Close(0.0512, boundary);
        Close(1.0, IterativeNewton.InitialContraction(X, boundary), 1e-12);
        var run = IterativeNewton.Run(X, Y, Xq, 30, boundary);
        Assert.True((run.Solution.Weights(30) - WOls).L2Norm() > 0.1);
    }

    [Fact]
    public void Singular_case_converges_to_the_pseudo_inverse_spec_7_6()
    {
        var x = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2.0 } });
        var y = Vector<double>.Build.Dense(1, 3.0);
        var xq = Vector<double>.Build.DenseOfArray([1.0, 2.0]);
        var run = IterativeNewton.Run(x, y, xq, 40);
        Close(SingularSPlus, run.Inverses[40], 1e-13);
        Close(3.0, run.Solution.Prediction(40), 1e-13);
        Close(LeastSquares.Solve(x, y) * xq, run.Solution.Prediction(40), 1e-13);
        Assert.True(run.InitialContraction < 1);
        Close(1.0, run.ErrorNorms[40], 1e-12);   // the null direction of S is never corrected
    }

    [Fact]
    public void Trivial_case_7_9_is_exact_from_the_first_step()
    {
        var run = IterativeNewton.Run(Matrix<double>.Build.Dense(1, 1, 2.0), Vector<double>.Build.Dense(1, 3.0), Vector<double>.Build.Dense(1, 1.0), 4);
        Assert.Equal(1.0 / 16, run.Alpha);
        Assert.Equal(0.25, run.Inverses[0][0, 0]);
        for (int k = 0; k <= 4; k++) Assert.Equal(1.5, run.Solution.Prediction(k));
    }

    [Property(MaxTest = 100)]
    public Property Iterates_are_polynomials_in_S() =>
        Prop.ForAll(RandomInstances.Any(), inst =>
        {
            var s = inst.X.TransposeThisAndMultiply(inst.X);
            var run = IterativeNewton.Run(inst.X, inst.Y, inst.Xq, 5);
            var identity = Matrix<double>.Build.DenseIdentity(inst.D);
            var e0 = identity - run.Alpha * s * s;
            bool ok = true;
            var ek = e0;
            for (int k = 0; k <= 5; k++)
            {
                var m = run.Inverses[k];
                ok &= (m * s - s * m).AbsoluteMaximum() <= 1e-12 * Math.Pow(2, k) * (1 + m.L2Norm() * s.L2Norm());
                ok &= ((identity - s * m) - ek).AbsoluteMaximum() <= 1e-12 * Math.Pow(2, k) * (1 + m.L2Norm() * s.L2Norm());
                ek = ek * ek;
            }
            return ok;
        });

    [Property(MaxTest = 100)]
    public Property Zero_steps_give_alpha_S() =>
        Prop.ForAll(RandomInstances.Any(), inst =>
        {
            var run = IterativeNewton.Run(inst.X, inst.Y, inst.Xq, 0, 0.01);
            var s = inst.X.TransposeThisAndMultiply(inst.X);
            return run.Solution.Steps == 0 && run.Inverses[0].Equals(0.01 * s);
        });
}
