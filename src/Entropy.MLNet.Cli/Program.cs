using Entropy.MLNet.Cli;

return await EntropyCli.RunAsync(args).ConfigureAwait(false);
