// The editor's "Browse server" window: clicking an image hands its URL back to CKEditor.
;(() => {
  const list = document.querySelector(".editor-images")
  if (!list) {
    return
  }
  const funcNum = list.getAttribute("data-func-num")
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-url]")
    if (!button || !funcNum || !window.opener || !window.opener.CKEDITOR) {
      return
    }
    window.opener.CKEDITOR.tools.callFunction(Number(funcNum), button.getAttribute("data-url"))
    window.close()
  })
})()
