using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

public class GdPlusPlusTests
{
    [Fact]
    public void Token_states_match_spec_7_4()
    {
        var run = GdPlusPlus.RunTokens(X, Y, Xq, 0.1, 0.05, 3);
        for (int k = 1; k <= 3; k++)
        {
            Close(GdppTokens[k - 1], run.Tokens(k));
            Close(GdppPredictions[k - 1], run.Predictions[k]);
        }
        Assert.Equal(0.0, run.Predictions[0]);
    }

    [Fact]
    public void Preconditioned_form_matches_spec_7_4()
    {
        var form = GdPlusPlus.RunPreconditioned(X, Y, Xq, 0.1, 0.05, 3);
        Assert.Equal(Matrix<double>.Build.DenseIdentity(2), form.Preconditioners[0]);
        for (int k = 1; k <= 3; k++)
        {
            Close(GdppV[k - 1], form.Solution.Weights(k));
            Close(GdppA[k - 1], form.Preconditioners[k]);
            Close(GdppPredictions[k - 1], form.Solution.Prediction(k));
        }
    }

    [Fact]
    public void Curvature_matches_spec_7_4()
    {
        Close(KappaC, GdPlusPlusCurvature.ConditionNumber(C));
        Close(KappaC1, GdPlusPlusCurvature.ConditionNumber(GdPlusPlusCurvature.FirstLayerCovariance(C, 0.05)));
        Close(KappaC1, GdPlusPlusCurvature.PredictedConditionNumberAfterOneLayer(C, 0.05));
        // C_1 is the covariance of the transformed context inputs of the token recursion.
        var tokens = GdPlusPlus.RunTokens(X, Y, Xq, 0.1, 0.05, 1).Inputs[1].SubMatrix(0, 3, 0, 2);
        Close(GdPlusPlusCurvature.FirstLayerCovariance(C, 0.05), tokens.TransposeThisAndMultiply(tokens) / 3);
    }

    [Fact]
    public void Curvature_formula_refuses_gamma_outside_its_range()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GdPlusPlusCurvature.PredictedConditionNumberAfterOneLayer(C, 0.2));
        Assert.Equal("gamma", ex.ParamName);
    }

    [Fact]
    public void Zero_layers_return_the_prompt()
    {
        var run = GdPlusPlus.RunTokens(X, Y, Xq, 0.1, 0.05, 0);
        Assert.Equal(0, run.Steps);
        Assert.Equal(X.Append(Y.ToColumnMatrix()).Stack(Xq.ToRowMatrix().Append(Matrix<double>.Build.Dense(1, 1))), run.Tokens(0));
    }

    [Property(MaxTest = 100)]
    public Property Gamma_zero_is_plain_gd() =>
        Prop.ForAll(RandomInstances.Any(), RandomInstances.Fraction(0.05, 1.5).ToArbitrary(), (inst, u) =>
        {
            double eta = u / inst.LambdaMax;
            var tokens = GdPlusPlus.RunTokens(inst.X, inst.Y, inst.Xq, eta, 0.0, 5);
            var form = GdPlusPlus.RunPreconditioned(inst.X, inst.Y, inst.Xq, eta, 0.0, 5);
            var gd = GradientDescent.Run(inst.X, inst.Y, inst.Xq, eta, 5);
            double scale = 1 + Enumerable.Range(0, 6).Max(k => Math.Abs(gd.Prediction(k)));
            return Enumerable.Range(0, 6).All(k =>
                Math.Abs(tokens.Predictions[k] - gd.Prediction(k)) <= 1e-12 * scale
                && RandomInstances.RelativeMaxError(form.Solution.Iterates[k], gd.Iterates[k]) <= 1e-12
                && tokens.Inputs[k].Equals(tokens.Inputs[0]));
        });

    [Property(MaxTest = 100)]
    public Property Token_recursion_equals_its_preconditioned_form() =>
        Prop.ForAll(RandomInstances.Any(), RandomInstances.Fraction(0.05, 1.5).ToArbitrary(), RandomInstances.Fraction(0, 1).ToArbitrary(),
            (inst, u, g) =>
            {
                double lmax = inst.LambdaMax;
                var etas = new[] { u / lmax, 0.7 * u / lmax, 1.1 * u / lmax, u / lmax };
                var gammas = new[] { g / (3 * lmax), 0.5 * g / (3 * lmax), g / (3 * lmax), 0.0 };
                var tokens = GdPlusPlus.RunTokens(inst.X, inst.Y, inst.Xq, etas, gammas);
                var form = GdPlusPlus.RunPreconditioned(inst.X, inst.Y, inst.Xq, etas, gammas);
                var all = inst.X.Stack(inst.Xq.ToRowMatrix());
                bool ok = true;
                for (int k = 0; k <= 4; k++)
                {
                    var a = form.Preconditioners[k];
                    var v = form.Solution.Weights(k);
                    // x_t^(k) = A_k x_t (row form: X_all A_k, A_k symmetric)
                    ok &= RandomInstances.RelativeMaxError(tokens.Inputs[k], all * a) <= 1e-11;
                    // r_i^(k) = y_i − v_kᵀ x_i (context), ŷ_k = v_kᵀ x_q (query)
                    var r = tokens.YSlots[k];
                    var expected = (inst.Y - inst.X * v).ToArray().Append(-(v * inst.Xq)).ToArray();
                    ok &= RandomInstances.RelativeMaxError(r, Vector<double>.Build.DenseOfArray(expected)) <= 1e-11;
                    ok &= Math.Abs(tokens.Predictions[k] - form.Solution.Prediction(k)) <= 1e-11 * (1 + r.AbsoluteMaximum());
                    // A_k is symmetric and commutes with C
                    ok &= RandomInstances.RelativeMaxError(a, a.Transpose()) <= 1e-12;
                    ok &= (a * inst.C - inst.C * a).AbsoluteMaximum() <= 1e-12 * (a.L2Norm() * inst.C.L2Norm());
                }
                return ok;
            });

    [Property(MaxTest = 100)]
    public Property One_layer_never_increases_the_condition_number() =>
        Prop.ForAll(RandomInstances.Any(), RandomInstances.Fraction(0.01, 1).ToArbitrary(), (inst, g) =>
        {
            var c = inst.C;
            double kappa = GdPlusPlusCurvature.ConditionNumber(c);
            if (inst.N < inst.D || kappa > 1e10) return true.Label("singular C: κ undefined");
            double gamma = g / (3 * inst.LambdaMax);
            double measured = GdPlusPlusCurvature.ConditionNumber(GdPlusPlusCurvature.FirstLayerCovariance(c, gamma));
            double predicted = GdPlusPlusCurvature.PredictedConditionNumberAfterOneLayer(c, gamma);
            return (Math.Abs(measured - predicted) <= 1e-6 * predicted && predicted <= kappa * (1 + 1e-12)).Label($"κ={kappa}, κ1={measured}, pred={predicted}");
        });
}
