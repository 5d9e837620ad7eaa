// masa's own behaviour: start GOV.UK Frontend components and keep drafts of long forms.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Server-side drafts: a form marked data-masa-draft-url is sent to the server as the user
// types, so a session time-out or a closed tab loses nothing.
for (const form of document.querySelectorAll("form[data-masa-draft-url]")) {
  const status = form.querySelector("[data-masa-draft-status]");
  let timer = null;
  const save = async () => {
    const body = new FormData(form);
    try {
      const response = await fetch(form.dataset.masaDraftUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        redirect: "manual",
      });
      if (status) {
        status.textContent = response.ok
          ? `Draft saved at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`
          : "Draft not saved: you may have been signed out. Your changes are kept in this page.";
      }
      form.dataset.masaDraftSaved = response.ok ? "yes" : "no";
    } catch {
      if (status) status.textContent = "Draft not saved: check your connection.";
    }
  };
  form.addEventListener("input", () => {
    form.dataset.masaDraftSaved = "pending";
    clearTimeout(timer);
    timer = setTimeout(save, 600);
  });
}
