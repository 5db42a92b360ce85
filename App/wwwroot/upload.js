// The import's upload with a progress bar. A form marked data-upload-progress is sent as the same multipart POST it
// would make by itself, but through XMLHttpRequest, whose upload events say how much has gone; once the server has
// answered (a redirect to the mapping, or back to the form with the problem), the page goes where it was sent.
// Without this script, or without upload events, the form posts as usual.
document.addEventListener('submit', event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-upload-progress') || !form.checkValidity()) {
        return;
    }

    const xhr = new XMLHttpRequest();
    if (!xhr.upload) {
        return;
    }

    event.preventDefault();
    const panel = form.querySelector('[data-upload-panel]');
    const bar = panel.querySelector('progress');
    const label = panel.querySelector('[data-upload-label]');
    const submit = form.querySelector('[type=submit]');
    const show = (loaded, total) => {
        bar.max = total;
        bar.value = loaded;
        const percent = total > 0 ? Math.floor((100 * loaded) / total) : 0;
        label.textContent = loaded < total
            ? `${percent} % uploaded (${(loaded / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MB)`
            : 'Uploaded; reading the file…';
    };

    panel.hidden = false;
    submit.disabled = true;
    show(0, 1);
    xhr.upload.addEventListener('progress', e => e.lengthComputable && show(e.loaded, e.total));
    xhr.addEventListener('load', () => window.location.assign(xhr.responseURL || form.action));
    xhr.addEventListener('error', () => {
        label.textContent = 'The upload stopped: the connection to the server was lost. Choose the file again to retry.';
        submit.disabled = false;
    });
    xhr.open('POST', form.action);
    xhr.send(new FormData(form));
}, true);
