using LeakWatch.Cli;

return await LeakWatchCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
