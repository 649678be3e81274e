using TimeBank.Server;

await using var server = await TimeBankServer.StartAsync(args);
await server.WaitForShutdownAsync();
