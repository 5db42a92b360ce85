using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.LiveHarness;

/// <summary>
/// Collects what the SignalR clients complain about (a message they could not bind, a handler that threw), so that
/// a protocol mismatch shows in the report instead of silently dropping messages.
/// </summary>
public sealed class ClientErrors : ILoggerProvider, ILogger
{
    private readonly ConcurrentDictionary<string, int> _messages = new();

    public static ClientErrors Instance { get; } = new();

    public IReadOnlyDictionary<string, int> Messages => _messages;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _messages.AddOrUpdate($"{formatter(state, exception)} {exception?.Message}".Trim(), 1, (_, n) => n + 1);
        }
    }

    public void Dispose()
    {
    }
}
