using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace CustomerDirectory.App.Components.Common;

/// <summary>
/// Validates an <see cref="EditForm"/> with the domain's own rules (a function listing every broken rule with its
/// field): a field's message appears as soon as the person leaves it, and all of them on submit.
/// </summary>
public sealed class RulesValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? _messages;
    private EditContext? _context;

    [CascadingParameter]
    private EditContext? CurrentEditContext { get; set; }

    [Parameter, EditorRequired]
    public Func<IEnumerable<(string Field, string Message)>> Rules { get; set; } = default!;

    protected override void OnParametersSet()
    {
        if (CurrentEditContext is null)
        {
            throw new InvalidOperationException($"{nameof(RulesValidator)} must sit inside an EditForm.");
        }

        if (CurrentEditContext == _context)
        {
            return;
        }

        Detach();
        _context = CurrentEditContext;
        _messages = new ValidationMessageStore(_context);
        _context.OnFieldChanged += OnFieldChanged;
        _context.OnValidationRequested += OnValidationRequested;
    }

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        _messages!.Clear(e.FieldIdentifier);
        foreach (var (field, message) in Rules())
        {
            if (field == e.FieldIdentifier.FieldName)
            {
                _messages.Add(e.FieldIdentifier, message);
            }
        }

        _context!.NotifyValidationStateChanged();
    }

    private void OnValidationRequested(object? sender, ValidationRequestedEventArgs e)
    {
        _messages!.Clear();
        foreach (var (field, message) in Rules())
        {
            _messages.Add(_context!.Field(field), message);
        }

        _context!.NotifyValidationStateChanged();
    }

    private void Detach()
    {
        if (_context is not null)
        {
            _context.OnFieldChanged -= OnFieldChanged;
            _context.OnValidationRequested -= OnValidationRequested;
            _messages?.Clear();
        }
    }

    public void Dispose() => Detach();
}
