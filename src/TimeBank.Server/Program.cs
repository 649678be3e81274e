using TimeBank.Server;

try
{
    await using var server = await TimeBankServer.StartAsync(args);
    await server.WaitForShutdownAsync();
    return 0;
}
catch (ConfigurationProblemException e)
{
    // One line an operator can act on; a stack trace would only bury the setting's name.
    await Console.Error.WriteLineAsync($"timebank: {e.Message}");
    return ConfigurationProblemException.ExitCode;
}
catch (TimeBank.Storage.StorageUnavailableException e)
{
    await Console.Error.WriteLineAsync($"timebank: storage unavailable at start: {e.Message}");
    return 69; // EX_UNAVAILABLE in sysexits.h
}
