/* global CKEDITOR */
// Newsroom's additions to CKEditor 4 in the admin article form:
// - every image upload carries the form's CSRF token (Django refuses it otherwise);
// - a refused upload shows the server's reason, not a bare "HTTP error 400";
// - the link dialog offers only the schemes the body sanitiser keeps.
;(() => {
  if (!window.CKEDITOR) {
    return
  }

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

  CKEDITOR.on("instanceCreated", (created) => {
    const editor = created.editor
    // Priority 10: after filetools opens the request (5), before it sends it (999).
    editor.on("fileUploadRequest", (event) => {
      event.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken(editor))
    })
    editor.on("pluginsLoaded", () => {
      if (!editor.uploadRepository) {
        return
      }
      editor.uploadRepository.on("instanceCreated", (event) => {
        const loader = event.data
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
    })
  })

  CKEDITOR.on("dialogDefinition", (event) => {
    if (event.data.name !== "link") {
      return
    }
    const protocol = event.data.definition.getContents("info").get("protocol")
    if (protocol && protocol.items) {
      protocol.items = protocol.items.filter(
        (item) => item[1] === "http://" || item[1] === "https://" || item[1] === "",
      )
    }
  })
})()
