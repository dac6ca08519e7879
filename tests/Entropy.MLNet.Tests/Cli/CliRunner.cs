using Entropy.MLNet.Cli;

namespace Entropy.MLNet.Tests.Cli;

/// <summary>Runs the <c>entropy</c> command line in-process and captures its exit code, stdout and stderr.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await EntropyCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
