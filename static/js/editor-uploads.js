/* global CKEDITOR */
// Newsroom's additions to CKEditor 4 in the admin article form:
// - every image upload carries the form's CSRF token (Django refuses it otherwise);
// - a refused upload shows the server's reason, not a bare "HTTP error 400";
// - dialogs offer only what the body sanitiser keeps (link schemes, no image styles).
// The admin may load this before or after ckeditor.js, so it works in either order.
;(() => {
  function csrfToken(editor) {
    const form = editor.element && editor.element.$.form
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]")
    return input ? input.value : ""
  }

  function serverMessage(loader) {
    try {
      const answer = JSON.parse(loader.xhr.responseText)
      return answer && answer.error && answer.error.message
    } catch (error) {
      return null
    }
  }

  function watchLoaders(editor) {
    editor.uploadRepository.on("instanceCreated", (event) => {
      const loader = event.data
      // Priority 1: before the upload widget reads the message to show it.
      loader.on(
        "error",
        () => {
          const message = serverMessage(loader)
          if (message) {
            loader.message = message
          }
        },
        null,
        null,
        1,
      )
    })
  }

  function prepare(editor) {
    if (editor.newsroomPrepared) {
      return
    }
    editor.newsroomPrepared = true
    // Priority 10: after filetools opens the request (5), before it sends it (999).
    editor.on("fileUploadRequest", (event) => {
      event.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken(editor))
    })
    if (editor.uploadRepository) {
      watchLoaders(editor)
    } else {
      editor.on("pluginsLoaded", () => editor.uploadRepository && watchLoaders(editor))
    }
  }

  // Dialog fields whose output the sanitiser would remove (styles, alignment, spacing).
  function trimDialogs(event) {
    const definition = event.data.definition
    if (event.data.name === "link") {
      const protocol = definition.getContents("info").get("protocol")
      if (protocol && protocol.items) {
        protocol.items = protocol.items.filter(
          (item) => item[1] === "http://" || item[1] === "https://" || item[1] === "",
        )
      }
    } else if (event.data.name === "image") {
      const info = definition.getContents("info")
      for (const id of ["cmbAlign", "txtBorder", "txtHSpace", "txtVSpace"]) {
        if (info.get(id)) {
          info.remove(id)
        }
      }
    }
  }

  function setUp() {
    if (!window.CKEDITOR || CKEDITOR.newsroomPrepared) {
      return
    }
    CKEDITOR.newsroomPrepared = true
    CKEDITOR.on("instanceCreated", (event) => prepare(event.editor))
    for (const name in CKEDITOR.instances) {
      prepare(CKEDITOR.instances[name])
    }
    CKEDITOR.on("dialogDefinition", trimDialogs)
  }

  if (window.CKEDITOR) {
    setUp()
  } else {
    document.addEventListener("DOMContentLoaded", setUp)
  }
})()
