using System.CommandLine;
using Entropy.MLNet.Cli.Infrastructure;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy data</c>: summarises a dataset (placeholder until the data layer lands).</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var command = new Command("data", "Prints a dataset's count, shape, classes and label histogram.\nExample: entropy data --dataset mnist") { format };
        CliAction.Set(command, format, (parse, output, ct) =>
        {
            output.Write(new { dataset = "mnist" }, w => w.WriteLine("mnist"));
            return Task.FromResult(0);
        });
        return command;
    }
}
