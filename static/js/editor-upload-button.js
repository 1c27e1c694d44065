/* global CKEDITOR */
// The "Upload image" toolbar button of the admin article editor (CKEditor plugin
// "newsroomupload", named in CKEDITOR_CONFIGS extraPlugins).
//
// The image dialog's own Upload tab is switched off: it builds an <iframe src="javascript:…">
// that the admin's Content-Security-Policy refuses. This button opens the browser's file
// picker from a plain <input type=file> in the page instead, and sends the chosen file
// through CKEditor's upload repository, the same path as pasted or dropped pictures: the
// CSRF header and the server's refusal message (editor-uploads.js) apply to it as well.
//
// The plugin is registered here, before ckeditor-init.js creates the editors (on
// DOMContentLoaded), so CKEditor never asks its base path for plugins/newsroomupload/.
;(() => {
  const ACCEPT = "image/jpeg,image/png,image/gif,image/webp"

  // Static files are not translated by Django: the label follows the editor's language,
  // which django-ckeditor sets from the admin's.
  const LABELS = {
    en: { button: "Upload image", uploading: "Uploading image…" },
    zh: { button: "上传图片", uploading: "正在上传图片…" },
  }

  function labels(editor) {
    return (editor.langCode || "").toLowerCase().startsWith("zh") ? LABELS.zh : LABELS.en
  }

  function fileInput(editor) {
    if (!editor.newsroomFileInput) {
      const input = document.createElement("input")
      input.type = "file"
      input.accept = ACCEPT
      input.hidden = true
      // No name: never submitted with the article form, and kept outside it.
      input.setAttribute("aria-hidden", "true")
      input.tabIndex = -1
      input.addEventListener("change", () => {
        const file = input.files && input.files[0]
        // Cleared so that choosing the same file again fires "change" again.
        input.value = ""
        if (file) {
          upload(editor, file)
        }
      })
      document.body.appendChild(input)
      editor.on("destroy", () => input.remove())
      editor.newsroomFileInput = input
    }
    return editor.newsroomFileInput
  }

  function rememberCaret(editor) {
    const selection = editor.getSelection()
    editor.newsroomUploadRanges = selection ? selection.getRanges() : null
  }

  function restoreCaret(editor) {
    editor.focus()
    const ranges = editor.newsroomUploadRanges
    if (ranges && ranges.length) {
      try {
        editor.getSelection().selectRanges(ranges)
      } catch (error) {
        // The text around the caret changed during the upload: insert at the current caret.
      }
    }
  }

  function insertImage(editor, url) {
    restoreCaret(editor)
    const image = editor.document.createElement("img")
    image.setAttribute("src", url)
    // No alt yet: editor-alt-text.js opens the image dialog to ask for it.
    editor.insertElement(image)
  }

  function upload(editor, file) {
    const url = CKEDITOR.fileTools.getUploadUrl(editor.config, "image")
    const loader = editor.uploadRepository.create(file)
    const progress = editor.showNotification(labels(editor).uploading, "progress", 0)
    const finish = () => progress.hide()
    loader.on("uploaded", () => {
      finish()
      insertImage(editor, loader.url)
    })
    // editor-uploads.js has put the server's reason into loader.message by now.
    loader.on("error", () => {
      finish()
      editor.showNotification(loader.message, "warning")
    })
    loader.on("abort", finish)
    loader.upload(url)
  }

  function register() {
    if (CKEDITOR.plugins.get("newsroomupload")) {
      return
    }
    CKEDITOR.plugins.add("newsroomupload", {
      requires: "filetools,notification,image",
      init(editor) {
        if (!CKEDITOR.fileTools.getUploadUrl(editor.config, "image")) {
          return
        }
        editor.addCommand("newsroomUploadImage", {
          allowedContent: "img[!src,alt]",
          requiredContent: "img[src]",
          exec() {
            rememberCaret(editor)
            // Runs inside the toolbar click, so the browser lets the page open its picker.
            fileInput(editor).click()
          },
        })
        editor.ui.addButton("NewsroomUploadImage", {
          label: labels(editor).button,
          command: "newsroomUploadImage",
          toolbar: "insert",
          icon: "image",
        })
      },
    })
  }

  if (window.CKEDITOR) {
    register()
  } else {
    document.addEventListener("DOMContentLoaded", () => window.CKEDITOR && register())
  }
})()
