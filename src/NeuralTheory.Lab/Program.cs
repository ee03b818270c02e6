using NeuralTheory.Lab;
using Spectre.Console;

return LabApp.Run(args, AnsiConsole.Console);
