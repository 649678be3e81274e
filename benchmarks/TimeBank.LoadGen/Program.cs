using TimeBank.LoadGen;

// The first Ctrl+C ends the load and still reports (the operations in flight finish, the balances are
// checked); a second one ends the process at once.
using var stop = new CancellationTokenSource();
void OnCancel(object? sender, ConsoleCancelEventArgs e)
{
    e.Cancel = true;
    Console.CancelKeyPress -= OnCancel;
    stop.Cancel();
}

Console.CancelKeyPress += OnCancel;
return await LoadGenerator.RunAsync(args, LoadGenConsole.System(), stop.Token);
